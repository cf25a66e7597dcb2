#!/usr/bin/env bash
# Builds the NSIS installers the tests open, with makensis (Debian nsis 3.08),
# 7zz and i686-w64-mingw32-gcc. Run from anywhere; writes next to this script.
# Sources get a fixed mtime so the installers are reproducible.
set -euo pipefail
cd "$(dirname "$0")"
export SOURCE_DATE_EPOCH=1600000000
STAMP=202009131226.40
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Payload: text, a compressible binary, an incompressible binary, an empty
# file and nested directories. The tests compare every extracted file with
# these sources by name and sha256.
rm -rf src && mkdir -p src/sub/deeper src/bin
printf 'hello from vigil\r\n' > src/readme.txt
for i in $(seq 1 400); do echo "line $i of a compressible log file"; done > src/sub/log.txt
printf 'deep\n' > src/sub/deeper/notes.txt
head -c 6000 /dev/zero | tr '\0' 'A' > src/bin/aaaa.dat
# deterministic incompressible bytes
python3 -c "import hashlib,sys; sys.stdout.buffer.write(b''.join(hashlib.sha256(str(i).encode()).digest() for i in range(300)))" > src/bin/random.bin
: > src/empty.txt
printf 'unicode name\n' > 'src/sub/données-日本.txt'
find src -exec touch -t $STAMP {} +

# script COMPRESSOR UNICODE OUT [EXTRA...]
script() {
  local comp=$1 uni=$2 out=$3
  cat <<NSI
Unicode $uni
SetCompressor $comp
Name "Fixture"
OutFile "$out"
InstallDir "\$PROGRAMFILES\\Vigil Fixture"
RequestExecutionLevel user
Page instfiles
Section "main"
  SetOutPath "\$INSTDIR"
  File "src/readme.txt"
  File "src/empty.txt"
  SetOutPath "\$INSTDIR\\sub"
  File "src/sub/log.txt"
  SetOutPath "\$INSTDIR\\sub\\deeper"
  File "src/sub/deeper/notes.txt"
  SetOutPath "\$INSTDIR\\bin"
  File "src/bin/aaaa.dat"
  File "src/bin/random.bin"
  File /oname=\$INSTDIR\\renamed.dat "src/bin/aaaa.dat"
  WriteRegStr HKCU "Software\\VigilFixture" "InstallLocation" "\$INSTDIR"
  WriteUninstaller "\$INSTDIR\\uninstall.exe"
NSI
  if [ "$uni" = true ]; then
    printf '  SetOutPath "$INSTDIR\\sub"\n  File "src/sub/données-日本.txt"\n'
  fi
  cat <<'NSI'
SectionEnd
Section "uninstall"
  Delete "$INSTDIR\uninstall.exe"
  RMDir /r "$INSTDIR"
SectionEnd
NSI
}

build() { # NAME COMPRESSOR UNICODE
  script "$2" "$3" "$tmp/$1.exe" > "$tmp/$1.nsi"
  cp -a src "$tmp/"
  (cd "$tmp" && makensis -V1 "$1.nsi")
  cp "$tmp/$1.exe" "$1.exe"
}

build zlib        zlib            true
build zlib_solid  "/SOLID zlib"   false
build bzip2       bzip2           false
build bzip2_solid "/SOLID bzip2"  true
build lzma        lzma            true
build lzma_ansi   lzma            false
build lzma_solid  "/SOLID lzma"   true

# 64-bit installer: block offsets are 64-bit in the header
cat > "$tmp/amd64.nsi" <<NSI
Target amd64-unicode
SetCompressor /SOLID lzma
OutFile "$tmp/amd64.exe"
RequestExecutionLevel user
Section
  SetOutPath "\$INSTDIR\sub"
  File "src/readme.txt"
  SetOutPath "\$INSTDIR\x86"
  File "src/bin/aaaa.dat"
  SetOutPath "\$INSTDIR\x64"
  File "src/bin/random.bin"
  SetOutPath "\$INSTDIR"
  File "/oname=same.dat" "src/bin/aaaa.dat"
  File "/oname=same.dat" "src/bin/random.bin"
SectionEnd
NSI
(cd "$tmp" && makensis -V1 amd64.nsi)
cp "$tmp/amd64.exe" amd64.exe

# names that leave the install directory
cat > "$tmp/fail_traversal.nsi" <<NSI
Unicode true
SetCompressor lzma
OutFile "$tmp/fail_traversal.exe"
RequestExecutionLevel user
Section
  SetOutPath "\$INSTDIR"
  File "/oname=..\..\evil.txt" "src/readme.txt"
  File "/oname=C:\Windows\evil.dll" "src/bin/aaaa.dat"
SectionEnd
NSI
(cd "$tmp" && makensis -V1 fail_traversal.nsi)
cp "$tmp/fail_traversal.exe" fail_traversal.exe

# electron-builder layout: the application ships as one 7z that a plug-in
# unpacks from $PLUGINSDIR.
mkdir -p "$tmp/app/resources" "$tmp/plugins"
cp src/readme.txt "$tmp/app/resources/app.asar"
cp src/sub/log.txt "$tmp/app/LICENSE.txt"
find "$tmp/app" -exec touch -t $STAMP {} +
(cd "$tmp/app" && 7zz a -t7z -mx=5 -mmt=1 -mtc=off -mta=off ../app-64.7z . >/dev/null)
touch -t $STAMP "$tmp/app-64.7z"
cp "$tmp/app-64.7z" src/app-64.7z
cat > "$tmp/nsis7z.c" <<'C'
#include <windows.h>
__declspec(dllexport) void __cdecl ExtractWithDetails(HWND p, int n, wchar_t *v, void *s, void *x) {}
BOOL WINAPI DllMain(HINSTANCE i, DWORD r, LPVOID x) { return TRUE; }
C
i686-w64-mingw32-gcc -shared -s -O2 -Wl,--no-insert-timestamp,--disable-auto-image-base -o "$tmp/plugins/nsis7z.dll" "$tmp/nsis7z.c"
cp "$tmp/plugins/nsis7z.dll" src/nsis7z.dll
cat > "$tmp/electron.nsi" <<NSI
Unicode true
SetCompressor lzma
!addplugindir /x86-unicode "$tmp/plugins"
Name "Electron Fixture"
OutFile "$tmp/electron.exe"
InstallDir "\$LOCALAPPDATA\\Programs\\fixture"
RequestExecutionLevel user
Page instfiles
Section "install"
  InitPluginsDir
  SetOutPath "\$PLUGINSDIR"
  SetCompress off
  File "$tmp/app-64.7z"
  SetCompress auto
  SetOutPath "\$INSTDIR"
  Nsis7z::ExtractWithDetails "\$PLUGINSDIR\\app-64.7z" "Installing %s..."
  Exec '"\$INSTDIR\\app.exe" --updated'
SectionEnd
NSI
makensis -V1 "$tmp/electron.nsi"
cp "$tmp/electron.exe" electron.exe

# makensis never applies the x86 branch filter before LZMA, but 7-Zip's
# own installer does (a filter byte of 1). xz writes the same filter and a
# raw LZMA stream; the test puts NSIS's filter byte and properties before it.
xz --format=raw --x86 --lzma1=preset=6,lc=3,lp=0,pb=2 -c src/nsis7z.dll > bcj_x86.lzma

# Adversarial copies of a real installer.
n=$(stat -c %s lzma.exe)
head -c $((n - 3000)) lzma.exe > fail_truncated.exe
off=$(python3 - <<'PY'
d=open('lzma.exe','rb').read(); print(d.find(b'\xef\xbe\xad\xdeNullsoftInst')-4)
PY
)
# garbled header: overwrite the compressed header with a pattern
cp lzma.exe fail_garbled.exe
printf '\x5d\x00\x00\x80\x00%0.s\xff\xfe\x01\x80\x7f' $(seq 1 40) | dd of=fail_garbled.exe bs=1 seek=$((off + 28 + 4 + 5)) conv=notrunc status=none
# huge sizes: header length and archive length near 2^31
cp lzma.exe fail_huge.exe
printf '\xf0\xff\xff\x7f\xf0\xff\xff\x7f' | dd of=fail_huge.exe bs=1 seek=$((off + 20)) conv=notrunc status=none
# patched stub: one byte of the PE image changed after makensis, which the
# installer's CRC catches
cp lzma.exe fail_crc.exe
printf '\xcc' | dd of=fail_crc.exe bs=1 seek=4096 conv=notrunc status=none
# not NSIS: the stub alone
head -c "$off" lzma.exe > fail_stub_only.exe
ls -l *.exe
