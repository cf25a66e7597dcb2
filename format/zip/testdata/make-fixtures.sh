#!/bin/sh
# Builds the zip fixtures with Info-ZIP zip and Python's zipfile (for names
# zip refuses to write). Run from this directory. Timestamps are fixed so
# that reruns give the same bytes.
set -eu
export TZ=UTC
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
here=$(pwd)

# ok.zip: files in nested directories, an empty file, a symlink (-y stores
# the link itself), directory entries.
mkdir -p "$work/ok/pkg/lib/deep" "$work/ok/empty-dir"
printf 'module.exports = 42;\n' > "$work/ok/pkg/index.js"
printf '#!/bin/sh\necho hello\n' > "$work/ok/pkg/lib/run.sh"
chmod 755 "$work/ok/pkg/lib/run.sh"
seq 1 2000 > "$work/ok/pkg/lib/deep/numbers.txt"
: > "$work/ok/pkg/empty.txt"
ln -s lib/run.sh "$work/ok/pkg/link"
find "$work/ok" -exec touch -h -d 2024-01-02T03:04:05Z {} +
rm -f ok.zip
(cd "$work/ok" && zip -q -X -y -r "$here/ok.zip" pkg empty-dir)
# The listing unzip would produce: path and sha256 of each regular file;
# the symlink's content is its target text.
(cd "$work/ok" && find pkg -type f | LC_ALL=C sort | xargs sha256sum
 printf '%s  pkg/link\n' "$(printf 'lib/run.sh' | sha256sum | cut -d' ' -f1)") |
	LC_ALL=C sort -k2 > ok.zip.sha256

# fail_bomb.zip: 50 MiB of zeros deflate to about 50 KB.
head -c 52428800 /dev/zero > "$work/zeros.bin"
touch -d 2024-01-02T03:04:05Z "$work/zeros.bin"
rm -f fail_bomb.zip
(cd "$work" && zip -q -X -9 "$here/fail_bomb.zip" zeros.bin)

# fail_traversal.zip: names that escape the archive, and a duplicate.
python3 - <<'PY'
import zipfile
with zipfile.ZipFile("fail_traversal.zip", "w") as z:
    for name, data in [("../../evil.sh", b"echo evil\n"), ("/etc/x", b"x\n"),
                       ("ok.txt", b"fine\n"), ("ok.txt", b"again\n"),
                       ("C:/Windows/y", b"y\n")]:
        z.writestr(zipfile.ZipInfo(name, (2024, 1, 2, 3, 4, 6)), data)
PY

# fail_truncated.zip: ok.zip cut in half (the central directory is gone).
size=$(wc -c < ok.zip)
head -c $((size / 2)) ok.zip > fail_truncated.zip

# fail_nested.zip: a zip in a zip, 30 levels deep.
printf 'innermost\n' > "$work/level0.txt"
touch -d 2024-01-02T03:04:05Z "$work/level0.txt"
inner=level0.txt
for i in $(seq 1 30); do
	(cd "$work" && zip -q -X "level$i.zip" "$inner")
	touch -d 2024-01-02T03:04:05Z "$work/level$i.zip"
	inner=level$i.zip
done
cp "$work/level30.zip" fail_nested.zip

# bzip2.zip: ok.zip's numbers.txt compressed with bzip2 (method 12).
(cd "$work/ok/pkg/lib/deep" && rm -f "$here/bzip2.zip" && zip -q -X -Z bzip2 "$here/bzip2.zip" numbers.txt)

# fail_deflate64.zip: Deflate64 (method 9), which vigil does not read, and
# fail_encrypted.zip: ZipCrypto-encrypted entries.
rm -f fail_deflate64.zip fail_encrypted.zip
(cd "$work/ok/pkg/lib/deep" && 7zz a -bd -bso0 -tzip -mm=Deflate64 "$here/fail_deflate64.zip" numbers.txt)
(cd "$work/ok/pkg" && zip -q -X -P secret "$here/fail_encrypted.zip" index.js)
