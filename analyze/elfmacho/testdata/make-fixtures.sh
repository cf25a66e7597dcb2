#!/bin/sh
# Builds the ELF and Mach-O fixtures with gcc and python3. Reproducible:
# no build IDs, stripped.
set -eu
cd "$(dirname "$0")"
FLAGS="-Os -s -fno-ident -Wl,--build-id=none"
gcc $FLAGS -o hello src/hello.c
gcc $FLAGS -o fail_revshell src/revshell.c
gcc $FLAGS -o fail_memfd src/memfd.c
gcc -static -nostdlib -Os -fno-asynchronous-unwind-tables -fno-ident -Wl,--build-id=none -s -o tiny src/tiny.c
python3 src/macho.py fail_revshell.macho
