#!/bin/sh
# Every fixture here is hand-written Python source; no tool produces them.
# The base64 string in fail_exec_b64.py is zlib-compressed "print('hi')":
python3 -c 'import base64,zlib;print(base64.b64encode(zlib.compress(b"print(\"hi\")")).decode())'
