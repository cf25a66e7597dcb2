#!/usr/bin/env bash
# Builds the demo release pair: Lanternly Desk 3.2.0 as the vendor shipped it
# (before/) and the same installer after an attacker appended an obfuscated
# loader to main.js inside resources/app.asar and re-signed it with the
# vendor's own key (after/). Both carry the same name and version, as in the
# 2022 incident. The loader is inert (see src/inject.js).
#
# Tools: makensis (Debian nsis), 7zz (Debian 7zip), osslsigncode, openssl, faketime,
# node with @electron/asar@3 and javascript-obfuscator@4, installed here
# into a temporary folder from the npm registry.
set -euo pipefail
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1661990400
for t in makensis 7zz osslsigncode openssl faketime node npm; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
tools=${NPM_TOOLS:-$(mktemp -d)}
[ -x "$tools/node_modules/.bin/asar" ] ||
  npm install --prefix "$tools" --no-audit --no-fund @electron/asar@3 javascript-obfuscator@4 >/dev/null
asar=$tools/node_modules/.bin/asar
obf=$tools/node_modules/.bin/javascript-obfuscator
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The vendor's code-signing key: a throwaway self-signed test certificate.
faketime '2022-01-01 00:00:00' openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Lanternly Software Ltd/O=Lanternly Software Ltd" \
  -keyout "$work/vendor.key" -out "$work/vendor.pem" 2>/dev/null

build() { # build VARIANT OUTDIR SIGNING_EPOCH
  local variant=$1 out=$2 epoch=$3 app=$work/$1/app
  mkdir -p "$app" "$work/$variant/pkg" "$out"
  cp -a src/app/. "$app/"
  if [ "$variant" = tampered ]; then
    "$obf" src/inject.js --output "$work/loader.js" --config src/obfuscator.json >/dev/null
    { printf '\n// load remote configuration\n'; cat "$work/loader.js"; printf '\n'; } >> "$app/main.js"
  fi
  find "$app" -exec touch -h -d @1661990400 {} +
  mkdir -p "$work/$variant/root/resources"
  (cd "$work/$variant" && "$asar" pack app root/resources/app.asar)
  find "$work/$variant/root" -exec touch -h -d @1661990400 {} +
  (cd "$work/$variant/root" && 7zz a -t7z -mx=7 -mmt=1 -mtc=off -mta=off "$work/$variant/pkg/app-64.7z" . >/dev/null)
  makensis -V2 -DVERSION=3.2.0 -DAPPDIR="$work/$variant/pkg" -DOUTFILE="$work/$variant/setup.exe" src/installer.nsi >/dev/null
  osslsigncode sign -certs "$work/vendor.pem" -key "$work/vendor.key" -h sha256 -time "$epoch" \
    -n "Lanternly Desk Setup" -in "$work/$variant/setup.exe" -out "$out/LanternlyDeskSetup-3.2.0.exe" >/dev/null
}
rm -rf before after
build clean before 1662998700     # 2022-09-12
build tampered after 1664162040   # 2022-09-26
ls -l before after
