#!/bin/sh
# Builds the compressed-file fixtures with gzip, xz, zstd and bzip2. Run
# from this directory.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seq 1 5000 | sed 's/^/console.log(/; s/$/);/' > "$work/app.js"
gzip -9 -n -c "$work/app.js" > app.js.gz
xz -9 -c "$work/app.js" > app.js.xz
zstd -q -19 -c "$work/app.js" > app.js.zst
bzip2 -9 -c "$work/app.js" > app.js.bz2
# blob: no extension; two gzip members, which gzip -d joins.
head -c 3000 "$work/app.js" | gzip -n > blob
tail -c +3001 "$work/app.js" | gzip -n >> blob
sha256sum "$work/app.js" | cut -d' ' -f1 > app.js.sha256
# fail_truncated.js.xz: app.js.xz cut in half.
size=$(wc -c < app.js.xz)
head -c $((size / 2)) app.js.xz > fail_truncated.js.xz
# fail_bomb.gz: 50 MiB of zeros in about 50 KB.
head -c 52428800 /dev/zero | gzip -9 -n > fail_bomb.gz
