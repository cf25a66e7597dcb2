#!/usr/bin/env bash
# Measures `vigil scan` end to end through a 60 MB NSIS installer and a
# 60 MB MSI (issue 3): bytes per second and peak memory. Memory must stay
# near the largest single file held for analysis, not grow with the
# installer. Needs makensis (Debian nsis) and wixl (Debian wixl); the
# inputs are built once into $BENCH_DATA (default ~/.cache/vigil-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${BENCH_DATA:-$HOME/.cache/vigil-bench}
mkdir -p "$data/inst"
src=$data/inst/src
if [ ! -f "$data/inst/big.exe" ] || [ ! -f "$data/inst/big.msi" ]; then
  rm -rf "$src" && mkdir -p "$src/lib"
  head -c 52000000 /dev/urandom > "$src/payload.bin"       # incompressible, 52 MB
  for i in $(seq 1 200); do                                  # compressible text, ~20 MB
    seq 1 12000 | sed "s/^/line $i: /" > "$src/lib/mod$i.js"
  done
  {
    echo 'Unicode true'; echo 'SetCompressor lzma'; echo 'Name "Big"'
    echo "OutFile \"$data/inst/big.exe\""; echo 'InstallDir "$TEMP\big"'; echo 'Section'
    echo 'SetOutPath "$INSTDIR"'; echo "File \"$src/payload.bin\""
    echo 'SetOutPath "$INSTDIR\lib"'; echo "File \"$src/lib/*.js\""; echo 'SectionEnd'
  } > "$data/inst/big.nsi"
  makensis -V1 "$data/inst/big.nsi" >/dev/null
  {
    echo '<?xml version="1.0"?><Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">'
    echo '<Product Id="*" Name="Big" Language="1033" Version="1.0.0" Manufacturer="Bench" UpgradeCode="11111111-2222-3333-4444-555555555555">'
    echo '<Package InstallerVersion="200" Compressed="yes"/><Media Id="1" Cabinet="big.cab" EmbedCab="yes"/>'
    echo '<Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="APP" Name="Big">'
    echo "<Component Id=\"C0\" Guid=\"*\"><File Id=\"F0\" Source=\"payload.bin\"/></Component>"
    for i in $(seq 1 200); do echo "<Component Id=\"C$i\" Guid=\"*\"><File Id=\"F$i\" Source=\"lib/mod$i.js\"/></Component>"; done
    echo '</Directory></Directory></Directory><Feature Id="All" Level="1">'
    for i in $(seq 0 200); do echo "<ComponentRef Id=\"C$i\"/>"; done
    echo '</Feature></Product></Wix>'
  } > "$data/inst/big.wxs"
  (cd "$src" && wixl -o "$data/inst/big.msi" "$data/inst/big.wxs")
fi
CGO_ENABLED=0 go build -o "$data/vigil" ./cmd/vigil
unpacked=$(du -sb "$src" | cut -f1)
for f in big.exe big.msi; do
  /usr/bin/time -o "$data/time.out" -f "%e %M" "$data/vigil" scan --format json "$data/inst/$f" > "$data/inst/$f.json"
  read -r s kb < "$data/time.out"
  size=$(stat -c %s "$data/inst/$f")
  files=$(grep -o '"files": [0-9]*' "$data/inst/$f.json" | head -1 | grep -o '[0-9]*')
  awk -v f="$f" -v size="$size" -v un="$unpacked" -v s="$s" -v kb="$kb" -v files="$files" 'BEGIN {
    printf "%s: %.0f MB installer, %.0f MB unpacked, %d files in %.2f s = %.0f MB/s of installer, %.0f MB/s unpacked; peak %.0f MB (largest file 52 MB)\n",
      f, size / 1e6, un / 1e6, files, s, size / 1e6 / s, un / 1e6 / s, kb / 1024 }'
done
