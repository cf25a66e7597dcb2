#!/bin/sh
# Builds the cabinet fixtures of package cab. Needs gcab, python3 and, for
# the LZX cabinets, libmspack's source package (its test files are
# cabinets made by Microsoft's tools): apt-get source libmspack.
set -eu
cd "$(dirname "$0")"
export SOURCE_DATE_EPOCH=1700000000
rm -rf src && mkdir -p src/sub
seq 1 20000 > src/numbers.txt                      # 108 KiB: several blocks
printf 'hello from a cabinet\n' > src/hello.txt
head -c 3000 /dev/zero | tr '\0' 'z' > src/sub/zeds.txt
touch -d @$SOURCE_DATE_EPOCH src/*.txt src/sub/*.txt   # gcab stores mtimes
(cd src && gcab -c -z ../mszip.cab numbers.txt hello.txt sub/zeds.txt)
(cd src && gcab -c ../stored.cab numbers.txt hello.txt sub/zeds.txt)
rm -rf src

if [ -d "${MSPACK:-/tmp/mspack/libmspack-0.11alpha}" ]; then
	t="${MSPACK:-/tmp/mspack/libmspack-0.11alpha}/test/test_files/cabd"
	cp "$t/mszip_lzx_qtm.cab" lzx_mszip_qtm.cab       # LZX, MSZIP and Quantum folders
	cp "$t/normal_2files_2folders.cab" lzx_2folders.cab
	cp "$t/lzx-premature-matches.cab" fail_lzx_premature.cab
	cp "$t/lzx-main-tree-no-lengths.cab" fail_lzx_notree.cab
fi

# lzx_e8.cab: LZX with a 2^16 window and E8 call translation, cycling
# through verbatim, aligned and uncompressed blocks that end inside frames,
# written by package lzxenc (no Linux tool writes LZX) and checked here
# with cabextract, whose libmspack decoder is the reference.
rm -rf src && mkdir src
seq 1 10000 > src/numbers.txt
touch -d @$SOURCE_DATE_EPOCH src/numbers.txt
python3 -c '
import random, struct, sys
r = random.Random(7)
out = bytearray()
while len(out) < 60000:
    out += b"\x55\x48\x89\xe5\xe8" + struct.pack("<i", r.randrange(-5000, 70000))
    out += bytes(r.choice(b"abcdefgh") for _ in range(r.randrange(0, 12)))
sys.stdout.buffer.write(out)' > src/calls.bin
(cd src && E8=1 go run ../mklzx.go ../lzx_e8.cab 16 numbers.txt calls.bin)
cabextract -t lzx_e8.cab >/dev/null
rm -rf src

# fail_truncated.cab: mszip.cab cut in the middle of its data blocks.
head -c 20000 mszip.cab > fail_truncated.cab

python3 - <<'PY'
import struct
b = open("mszip.cab", "rb").read()
folder = 36                                 # no reserve in gcab's output
first = struct.unpack_from("<I", b, folder)[0]   # first CFDATA
# fail_blocksize.cab: the first block claims 60000 bytes unpacked.
x = bytearray(b); struct.pack_into("<H", x, first + 6, 60000)
open("fail_blocksize.cab", "wb").write(x)
# fail_checksum.cab: a byte of the first block's data flipped, checksum kept.
x = bytearray(b); x[first + 8 + 100] ^= 0x55
open("fail_checksum.cab", "wb").write(x)
# fail_overlap.cab: 300 folders that all claim the data blocks of
# mszip.cab's one folder, each with a file: a decompression bomb unless
# overlapping folders are refused.
folders = 300
nblocks = struct.unpack_from("<H", b, folder + 4)[0]
data = b[first:]
hdr = bytearray(b[:36])
files_at = 36 + 8 * folders
names = [b"f%d.txt\0" % i for i in range(folders)]
data_at = files_at + 16 * folders + sum(len(n) for n in names)
struct.pack_into("<I", hdr, 16, files_at)
struct.pack_into("<HH", hdr, 26, folders, folders)
out = hdr
for i in range(folders):
    out += struct.pack("<IHH", data_at, nblocks, 1)
for i in range(folders):
    out += struct.pack("<IIHHHH", 108894, 0, i, 0x5B21, 0, 0x20) + names[i]
out += data
struct.pack_into("<I", out, 8, len(out))
open("fail_overlap.cab", "wb").write(out)
# fail_lzx_garbage.cab: the LZX folder of lzx_2folders.cab with its data
# overwritten by a repeating pattern.
try:
    b = bytearray(open("lzx_2folders.cab", "rb").read())
except FileNotFoundError:
    raise SystemExit(0)
for i in range(2):
    off, n, comp = struct.unpack_from("<IHH", b, 36 + 8 * i)
    if comp & 15 == 3:
        size = struct.unpack_from("<H", b, off + 4)[0]
        for j in range(size):
            b[off + 8 + j] = (j * 37 + 11) & 0xFF
        struct.pack_into("<I", b, off, 0)           # no checksum
open("fail_lzx_garbage.cab", "wb").write(b)
PY
