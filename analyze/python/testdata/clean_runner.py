# Honest helpers: a child gets the environment; a download is saved, not run;
# a build tool is run from a function that never downloads.
import os
import subprocess
import requests


def build(extra):
    env = os.environ.copy()
    env.update(extra)
    subprocess.run(["make"], env=env, check=True)


def report_status(url, status):
    requests.post(url, json={"status": status, "user": os.environ.get("USER")})


def fetch(url, dest):
    r = requests.get(url, timeout=30)
    with open(dest, "wb") as f:
        f.write(r.content)
    os.chmod(dest, 0o644)


def call_child():
    subprocess.run(["tool"], env=os.environ, check=True)
    requests.get("https://api.example/ping")
