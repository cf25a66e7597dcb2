#!/usr/bin/env bash
# Builds the generated fixtures from src/ with the real tools:
#   javascript-obfuscator 4.1.1 and terser 5.36.0 (npm install them, or set
#   OBFUSCATOR / TERSER). Both are seeded or deterministic, so the output
#   is reproducible.
set -euo pipefail
cd "$(dirname "$0")"
OBFUSCATOR=${OBFUSCATOR:-javascript-obfuscator}
TERSER=${TERSER:-terser}

# fail_obfuscated.js: a loader (fetch, new Function, child_process) through
# javascript-obfuscator with the settings supply-chain payloads use.
"$OBFUSCATOR" src/loader.js --output fail_obfuscated.js --seed 1234 --compact true \
  --identifier-names-generator hexadecimal --control-flow-flattening true \
  --control-flow-flattening-threshold 1 --string-array true --string-array-threshold 1 \
  --string-array-encoding base64 --string-array-rotate true --string-array-shuffle true \
  --string-array-wrappers-count 2 --split-strings true --split-strings-chunk-length 6 >/dev/null

# fail_obfuscated_rc4.js: the same with RC4 string encoding and the mangled
# name generator, so no _0x names are left; only the structure shows.
"$OBFUSCATOR" src/loader.js --output fail_obfuscated_rc4.js --seed 99 --compact true \
  --identifier-names-generator mangled --control-flow-flattening true \
  --control-flow-flattening-threshold 1 --string-array true --string-array-threshold 1 \
  --string-array-encoding rc4 --string-array-rotate true >/dev/null

# fail_obfuscated_plain.js: only a plain string array, mangled names, no
# control-flow flattening, no rotation: the lightest setting.
"$OBFUSCATOR" src/loader.js --output fail_obfuscated_plain.js --seed 7 --compact true \
  --identifier-names-generator mangled --string-array true --string-array-threshold 1 \
  --string-array-rotate false --string-array-shuffle false --control-flow-flattening false >/dev/null

# fail_obfuscated_b64.js: default names, base64 string array without
# splitting: the names decode with the obfuscator's alphabet.
"$OBFUSCATOR" src/loader.js --output fail_obfuscated_b64.js --seed 3 --compact true \
  --string-array true --string-array-threshold 1 --string-array-encoding base64 >/dev/null

# ok_minified.min.js: an honest library minified by terser; it keeps the
# Function("return this")() global shim.
"$TERSER" src/library.js --compress --mangle --output ok_minified.min.js

# fail_minified_append.min.js: the same with a hex-hiding, decrypt-and-
# _compile payload appended to the single line.
{ cat ok_minified.min.js; cat src/payload-append.js; } | tr -d '\n' > fail_minified_append.min.js
