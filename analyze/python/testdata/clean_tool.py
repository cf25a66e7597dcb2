'''Build helper: "exec(base64.b64decode(x))" in a docstring is not code.'''
import json, subprocess, urllib.request

def fetch(url):
    with urllib.request.urlopen(url) as r:
        return json.loads(r.read())

def build():
    s = """
    os.system('rm -rf /')
    """
    subprocess.check_call(["make", "-j4"])
    return eval("1 + 1")
