#!/bin/sh
# Install with:   curl -fsSL https://get.tool.example | sh
# This script never downloads and runs code itself.
usage() {
  cat <<USAGE
Usage: install.sh [--prefix DIR]
  To upgrade later run: curl -fsSL https://get.tool.example | sh
  Or: wget -qO- https://get.tool.example | bash
USAGE
}
PREFIX=${PREFIX:-/usr/local}
curl -fsSL https://get.tool.example/tool-1.2.3.tar.gz -o tool.tar.gz
sha256sum -c tool.tar.gz.sha256
tar -xzf tool.tar.gz -C "$PREFIX"
eval "$(ssh-agent -s)" >/dev/null
echo 'x y' | tr 'a-z' 'A-Z'
curl -s https://api.tool.example/v1/latest | python3 -m json.tool
curl -s https://api.tool.example/v1/latest | python3 -c 'import json,sys; print(json.load(sys.stdin)["v"])'
wget -qO- https://api.tool.example/list | perl -ne 'print if /tool/'
curl -s https://api.tool.example/v1/latest | node scripts/parse.js
