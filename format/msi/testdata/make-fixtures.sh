#!/bin/sh
# Builds the MSI fixtures of package msi. Needs wixl and msitools.
# SOURCE_DATE_EPOCH pins the timestamps that wixl honours.
set -eu
cd "$(dirname "$0")"
export SOURCE_DATE_EPOCH=1700000000
rm -rf src && mkdir src
# Payloads: real PE files are not needed, only distinct, compressible bytes.
printf 'MZ' > src/app.exe; seq 1 4000 >> src/app.exe
printf 'MZ' > src/plugin.dll; seq 5000 7000 | tr '\n' ' ' >> src/plugin.dll
printf 'MZ' > src/plugin64.dll; seq 8000 9000 | tr '\n' ' ' >> src/plugin64.dll
printf 'Halyard Test\nInstalled by vigil tests.\n' > src/README.txt
printf '{"update_url": "https://example.invalid/update"}\n' > src/config.json
printf 'Function Main()\n  Main = 1\nEnd Function\n' > src/helper.vbs
wixl -o app.msi app.wxs
rm -rf src

# fail_stringpool.msi: the same database with the length of string 1 in
# _StringPool made 65520, past the end of _StringData.
cp app.msi fail_stringpool.msi
go run corrupt.go fail_stringpool.msi '!_StringPool' 4 f0ff

# fail_truncated.msi: the first 8 KiB only.
head -c 8192 app.msi > fail_truncated.msi
