#!/bin/sh
# Builds the PE fixtures with mingw-w64, windres, osslsigncode and mono-mcs.
# Signing reuses the corpus test PKI (invented names) so that signatures are
# reproducible; the timestamping authority is minted here with openssl.
set -eu
cd "$(dirname "$0")"
PKI=${PKI:-/work/shared/corpus/build/common/pki}
CC=x86_64-w64-mingw32-gcc
FLAGS="-Os -s -Wl,--no-insert-timestamp -fno-ident"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
SIGNED=1700000000 # 2023-11-14T22:13:20Z

x86_64-w64-mingw32-windres -O coff src/version.rc "$T/v.o"
$CC $FLAGS -o "$T/hello.exe" src/hello.c "$T/v.o"
cp "$T/hello.exe" hello.exe
$CC $FLAGS -DPATCHED -o "$T/patched.exe" src/hello.c "$T/v.o"
$CC $FLAGS -shared -o fail_loader.dll src/loader.c -lwininet
$CC $FLAGS -o fail_revshell.exe src/revshell.c -lws2_32

sign() { # IN OUT WHO [extra osslsigncode args]
  in=$1 out=$2 who=$3; shift 3
  rm -f "$out"
  osslsigncode sign -certs "$PKI/$who.chain.pem" -key "$PKI/$who.key" -h sha256 \
    -time $SIGNED "$@" -in "$in" -out "$out" >/dev/null
}
sign "$T/hello.exe" signed.exe halyard
sign "$T/hello.exe" resigned.exe norvale
sign "$T/patched.exe" patched.exe halyard

# one byte of code changed after signing: the digest no longer matches
cp signed.exe fail_tampered.exe
python3 - <<'PY'
import struct
d = bytearray(open('fail_tampered.exe', 'rb').read())
i = d.index(b'hello tool 1.2.3')
d[i] = ord('j')
open('fail_tampered.exe', 'wb').write(d)
PY

# 4 KiB of seeded random bytes hidden in the certificate table (3CX layout)
python3 -c "import random; r=random.Random(7); open('$T/blob','wb').write(b'\xfe\xed\xfa\xce'+bytes(r.getrandbits(8) for _ in range(4096)))"
python3 "$PKI/../sigpad.py" signed.exe fail_certpad.exe "$T/blob"

# an RFC 3161 timestamp from a throwaway TSA (osslsigncode's built-in one)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/tsa.key" -out "$T/tsa.crt" -days 3650 \
  -subj "/CN=Test Timestamp Authority" -addext "extendedKeyUsage=critical,timeStamping" \
  -addext "keyUsage=critical,digitalSignature" 2>/dev/null
sign "$T/hello.exe" timestamped.exe halyard -TSA-certs "$T/tsa.crt" -TSA-key "$T/tsa.key" -TSA-time 1700000100

# a .NET assembly
mcs -nologo -out:dotnet.exe src/Hello.cs
mcs -nologo -define:TELEMETRY -out:dotnet2.exe src/Hello.cs
mcs -nologo -out:fail_stager.exe src/Stager.cs
# The same assembly before and after an injected class (SUNBURST's shape).
mcs -nologo -target:library -out:inventory.dll src/Inventory.cs
mcs -nologo -target:library -out:fail_inventory_implant.dll src/InventoryImplant.cs
