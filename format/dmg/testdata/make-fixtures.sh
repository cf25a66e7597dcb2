#!/bin/sh
# Builds a .dmg fixture without macOS: genisoimage writes an ISO 9660/HFS
# hybrid file system holding an app bundle, and udif.py wraps it in UDIF
# (zlib chunks, blkx plist, koly trailer) as hdiutil's UDZO format does.
# hello.dmg.sha256 lists the source tree, which the Go test compares with
# what 7zz reads out of the image. faketime pins the file system's dates.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/src
mkdir -p "$src/MyApp.app/Contents/MacOS" "$src/MyApp.app/Contents/Resources"
printf '#!/bin/sh\necho hello from MyApp\n' > "$src/MyApp.app/Contents/MacOS/MyApp"
chmod 755 "$src/MyApp.app/Contents/MacOS/MyApp"
printf '<?xml version="1.0"?>\n<plist version="1.0"><dict><key>CFBundleExecutable</key><string>MyApp</string></dict></plist>\n' > "$src/MyApp.app/Contents/Info.plist"
seq 1 3000 > "$src/MyApp.app/Contents/Resources/data.txt"
ln -s /Applications "$src/Applications"
find "$src" -exec touch -h -d @1700000000 {} +
faketime '2023-11-14 22:13:20' genisoimage -quiet -hfs -r -V MyApp -o "$work/fs.iso" "$src"
python3 udif.py "$work/fs.iso" "disk image (Apple_HFS : 1)" hello.dmg
(cd "$src" && find . -type f | LC_ALL=C sort | xargs sha256sum) > hello.dmg.sha256

# Adversarial: the compressed chunks overwritten in the middle (koly and
# plist intact); no koly trailer at all.
python3 - <<'PY'
b = bytearray(open("hello.dmg", "rb").read())
for i in range(200, 1200):
    b[i] = 0x55
open("fail_corrupt.dmg", "wb").write(b)
PY
head -c 2000 hello.dmg > fail_nokoly.dmg
