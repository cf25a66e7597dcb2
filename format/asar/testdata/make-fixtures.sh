#!/bin/sh
# Builds the asar fixtures with the real packer, @electron/asar 3, and
# Python for the malformed ones the packer cannot write. Run from this
# directory; needs node and network access to npm once.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tool=/tmp/asartool
[ -x "$tool/node_modules/.bin/asar" ] || npm install --prefix "$tool" @electron/asar@3 >/dev/null
asar="$tool/node_modules/.bin/asar"

# ok.asar: nested files, an empty file, an executable, a symlink, and a
# native module kept outside the archive (--unpack).
mkdir -p "$work/app/lib/deep" "$work/app/native"
printf 'require("./lib/run");\n' > "$work/app/main.js"
printf '{"name":"app","main":"main.js"}\n' > "$work/app/package.json"
printf 'module.exports = () => 1;\n' > "$work/app/lib/run.js"
chmod 755 "$work/app/lib/run.js"
seq 1 2000 > "$work/app/lib/deep/numbers.txt"
: > "$work/app/lib/empty.txt"
printf 'not really a native module\n' > "$work/app/native/addon.node"
ln -s lib/run.js "$work/app/link.js"
rm -f ok.asar
"$asar" pack "$work/app" ok.asar --unpack '*.node'
rm -rf ok.asar.unpacked
# The listing asar extract gives, without the unpacked file; the link's
# content is its target.
(cd "$work/app" && find . -type f ! -name '*.node' | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum
 printf '%s  link.js\n' "$(printf 'lib/run.js' | sha256sum | cut -d' ' -f1)") |
	LC_ALL=C sort -k2 > ok.asar.sha256

# fail_integrity.asar: ok.asar with one byte of main.js changed after
# packing, its integrity hash left as it was.
cp ok.asar fail_integrity.asar
python3 - <<'PY'
import json, struct
b = bytearray(open("fail_integrity.asar", "rb").read())
n = struct.unpack_from("<I", b, 4)[0]
header = json.loads(b[16:16 + struct.unpack_from("<I", b, 12)[0]])
off = 8 + n + int(header["files"]["main.js"]["offset"])
b[off] = ord("R")
open("fail_integrity.asar", "wb").write(b)
PY

# fail_truncated.asar: ok.asar cut in half.
size=$(wc -c < ok.asar)
head -c $((size / 2)) ok.asar > fail_truncated.asar

# fail_malformed.asar: names that escape the archive, data outside the
# file, a negative offset, a null entry, and a deep nest.
python3 - <<'PY'
import json, struct
data = b"echo evil\n" + b"fine\n"
deep = {"files": {"x": {"offset": "10", "size": 5}}}
for _ in range(300):
    deep = {"files": {"d": deep}}
files = {
    "..": {"files": {"..": {"files": {"evil.sh": {"offset": "0", "size": 10}}}}},
    "ok.txt": {"offset": "10", "size": 5},
    "past-end.bin": {"offset": "10", "size": 1000},
    "negative.bin": {"offset": "-5", "size": 5},
    "null.bin": None,
    "nosize.bin": {"offset": "0"},
    "deep": deep,
}
js = json.dumps({"files": files}, separators=(",", ":")).encode()
pad = (4 - len(js) % 4) % 4
pickle = struct.pack("<II", len(js) + 4 + pad, len(js)) + js + b"\0" * pad
with open("fail_malformed.asar", "wb") as f:
    f.write(struct.pack("<II", 4, len(pickle)) + pickle + data)
PY
