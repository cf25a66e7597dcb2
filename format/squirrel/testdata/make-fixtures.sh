#!/bin/sh
# Builds structurally faithful Squirrel.Windows installers with mingw-w64
# (see README.md for what is and is not real about them). Run from this
# directory. Reproducible: fixed file times, zip -X, and -Wl,--no-insert-timestamp.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CC=x86_64-w64-mingw32-gcc
WINDRES=x86_64-w64-mingw32-windres
stamp=202311142213.20

# The application package: a nupkg is a zip with a .nuspec.
mkdir -p "$work/nupkg/lib/net45"
cat > "$work/nupkg/MyApp.nuspec" <<'XML'
<?xml version="1.0"?>
<package><metadata><id>MyApp</id><version>1.0.0</version><authors>fixtures</authors><description>vigil fixture</description></metadata></package>
XML
printf 'console.log("hello from MyApp");\n' > "$work/nupkg/lib/net45/main.js"
find "$work/nupkg" -exec touch -t $stamp {} +
(cd "$work/nupkg" && zip -qX -r "$work/MyApp-1.0.0-full.nupkg" MyApp.nuspec lib)

# Update.exe: a stand-in PE (the real one is a .NET program).
printf 'int main(void){return 0;}\n' > "$work/update.c"
$CC -Os -s -Wl,--no-insert-timestamp -o "$work/Update.exe" "$work/update.c"

# The zip Setup.exe carries, as Squirrel's Releasify writes it.
sha=$(sha1sum "$work/MyApp-1.0.0-full.nupkg" | cut -d' ' -f1 | tr a-f A-F)
printf '%s MyApp-1.0.0-full.nupkg %d' "$sha" "$(stat -c %s "$work/MyApp-1.0.0-full.nupkg")" > "$work/RELEASES"
touch -t $stamp "$work/Update.exe" "$work/MyApp-1.0.0-full.nupkg" "$work/RELEASES"
(cd "$work" && zip -qX Setup.zip Update.exe MyApp-1.0.0-full.nupkg RELEASES)
cp "$work/RELEASES" RELEASES

# 1.x: the zip as resource DATA/131, language 0x0409, as WriteZipToSetup
# puts it (Setup.rc declares IDR_UPDATE_ZIP DATA).
cat > "$work/setup.rc" <<RC
LANGUAGE 9, 1
131 DATA "$work/Setup.zip"
RC
printf 'int main(void){return 0;}\n' > "$work/setup.c"
$WINDRES -O coff -o "$work/setup-res.o" "$work/setup.rc"
$CC -Os -s -Wl,--no-insert-timestamp -o Setup-resource.exe "$work/setup.c" "$work/setup-res.o"

# 2.x: the placeholder of bundle_marker.cpp in .data, the zip appended and
# its offset and length written into the placeholder.
cat > "$work/bundle.c" <<'C'
static volatile unsigned char placeholder[48] = {
	0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,
	0x94,0xf0,0xb1,0x7b,0x68,0x93,0xe0,0x29,0x37,0xeb,0x34,0xef,0x53,0xaa,0xe7,0xd4,
	0x2b,0x54,0xf5,0x70,0x7e,0xf5,0xd6,0xf5,0x78,0x54,0x98,0x3e,0x5e,0x94,0xed,0x7d};
int main(void){return placeholder[0];}
C
$CC -Os -s -Wl,--no-insert-timestamp -o "$work/bundle.exe" "$work/bundle.c"
python3 - "$work/bundle.exe" "$work/Setup.zip" Setup-bundle.exe <<'PY'
import struct, sys
exe, z, out = (open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read(), sys.argv[3])
sig = bytes.fromhex("94f0b17b6893e02937eb34ef53aae7d42b54f5707ef5d6f57854983e5e94ed7d")
i = exe.index(sig)
exe = exe[:i-16] + struct.pack("<qq", len(exe), len(z)) + exe[i:]
open(out, "wb").write(exe + z)
PY

# Adversarial: cut inside the zip; the resource's size field made huge;
# a plain PE with no zip at all.
size=$(stat -c %s Setup-resource.exe)
head -c $((size - 2000)) Setup-resource.exe > fail_truncated.exe
python3 - "$(stat -c %s "$work/Setup.zip")" <<'PY'
import struct, sys
b = open("Setup-resource.exe", "rb").read()
# The resource's data entry: RVA, size, code page 0, reserved 0.
entry = struct.pack("<I", int(sys.argv[1])) + bytes(8)
i = b.index(entry)
open("fail_badsize.exe", "wb").write(b[:i] + struct.pack("<I", 0x7fffffff) + b[i+4:])
PY
cp "$work/Update.exe" fail_plain.exe
