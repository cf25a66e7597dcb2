#!/usr/bin/env python3
"""Wraps a raw disk image in Apple's UDIF (.dmg) container: the image as
zlib-compressed chunks, a plist with one blkx partition table (the "mish"
block), and the 512-byte koly trailer, as Apple's hdiutil lays them out
(UDZO). Usage: udif.py IMAGE PARTITION-NAME OUT.dmg"""
import base64, struct, sys, zlib

img, pname, out = open(sys.argv[1], "rb").read(), sys.argv[2], sys.argv[3]
SECTOR, CHUNK = 512, 2048  # sectors per chunk, as hdiutil uses
img += bytes(-len(img) % SECTOR)
sectors = len(img) // SECTOR

data, chunks = b"", []
for s in range(0, sectors, CHUNK):
    n = min(CHUNK, sectors - s)
    z = zlib.compress(img[s * SECTOR:(s + n) * SECTOR], 9)
    chunks.append(struct.pack(">IIQQQQ", 0x80000005, 0, s, n, len(data), len(z)))
    data += z
chunks.append(struct.pack(">IIQQQQ", 0xFFFFFFFF, 0, sectors, 0, len(data), 0))
mish = struct.pack(">4sIQQQII24xII128xI", b"mish", 1, 0, sectors, 0, 0, 0, 0, 0, len(chunks)) + b"".join(chunks)

plist = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>resource-fork</key>
	<dict>
		<key>blkx</key>
		<array>
			<dict>
				<key>Attributes</key>
				<string>0x0050</string>
				<key>CFName</key>
				<string>{pname}</string>
				<key>Data</key>
				<data>{base64.b64encode(mish).decode()}</data>
				<key>ID</key>
				<string>0</string>
				<key>Name</key>
				<string>{pname}</string>
			</dict>
		</array>
	</dict>
</dict>
</plist>
""".encode()

koly = struct.pack(">4sIIIQQQQQII16sII128sQQ120xII128sIQ12x",
    b"koly", 4, 512, 1, 0, 0, len(data), 0, 0, 1, 1, bytes(16),
    0, 0, bytes(128), len(data), len(plist), 0, 0, bytes(128), 1, sectors)
assert len(koly) == 512
open(out, "wb").write(data + plist + koly)
