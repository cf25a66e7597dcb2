#!/bin/sh
# Builds the 7z fixtures with 7-Zip (7zz). Run from this directory.
# Timestamps are fixed; 7zz output is otherwise deterministic for the same
# input and options.
set -eu
export TZ=UTC
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
here=$(pwd)

# ok.7z: nested files, an empty file, a symlink (-snl stores the link).
mkdir -p "$work/ok/app/lib/deep" "$work/ok/app/empty-dir"
printf 'module.exports = 42;\n' > "$work/ok/app/index.js"
printf '#!/bin/sh\necho hello\n' > "$work/ok/app/lib/run.sh"
seq 1 2000 > "$work/ok/app/lib/deep/numbers.txt"
: > "$work/ok/app/empty.txt"
ln -s lib/run.sh "$work/ok/app/link"
find "$work/ok" -exec touch -h -d 2024-01-02T03:04:05Z {} +
rm -f ok.7z nonsolid.7z
(cd "$work/ok" && 7zz a -bd -bso0 -snl ok.7z app && mv ok.7z "$here/")
# nonsolid.7z: the same files, each in a stream of its own.
(cd "$work/ok" && 7zz a -bd -bso0 -snl -ms=off nonsolid.7z app && mv nonsolid.7z "$here/")
(cd "$work/ok" && find app -type f | LC_ALL=C sort | xargs sha256sum
 printf '%s  app/link\n' "$(printf 'lib/run.sh' | sha256sum | cut -d' ' -f1)") |
	LC_ALL=C sort -k2 > ok.7z.sha256

# solid.7z: 1000 files in one solid stream, stored sorted by extension
# (-mqs), so that stored order is not path order.
mkdir "$work/solid"
i=0
while [ $i -lt 1000 ]; do
	d="$work/solid/src/d$((i % 17))"
	mkdir -p "$d"
	case $((i % 4)) in 0) ext=js ;; 1) ext=txt ;; 2) ext=c ;; 3) ext=json ;; esac
	seq $i $((i + 800)) > "$d/f$(( (i * 7919) % 1000 )).$ext"
	i=$((i + 1))
done
find "$work/solid" -exec touch -h -d 2024-01-02T03:04:05Z {} +
rm -f solid.7z
(cd "$work/solid" && 7zz a -bd -bso0 -ms=on -mqs=on solid.7z src && mv solid.7z "$here/")
(cd "$work/solid" && find src -type f | LC_ALL=C sort | xargs sha256sum) > solid.7z.sha256

# fail_encrypted.7z: file data encrypted with AES (headers readable). AES
# salts and IVs are random, so these two differ on every run.
rm -f fail_encrypted.7z fail_encrypted_header.7z
(cd "$work/ok" && 7zz a -bd -bso0 -psecret fail_encrypted.7z app/index.js && mv fail_encrypted.7z "$here/")
# fail_encrypted_header.7z: the file list itself is encrypted too.
(cd "$work/ok" && 7zz a -bd -bso0 -psecret -mhe=on fail_encrypted_header.7z app/index.js && mv fail_encrypted_header.7z "$here/")

# fail_truncated.7z: ok.7z cut in half.
size=$(wc -c < ok.7z)
head -c $((size / 2)) ok.7z > fail_truncated.7z

# fail_corrupt.7z: nonsolid.7z with one byte of packed data flipped in
# its first stream (numbers.txt, the largest), so one file fails its CRC.
cp nonsolid.7z fail_corrupt.7z
printf '\377' | dd of=fail_corrupt.7z bs=1 seek=100 conv=notrunc 2>/dev/null
