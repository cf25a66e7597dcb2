; Lanternly Desk per-user installer, electron-builder style: the application
; directory ships as one 7z archive unpacked from $PLUGINSDIR.
Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel user
Name "Lanternly Desk"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\lanternly-desk"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "Lanternly Desk"
VIAddVersionKey "CompanyName" "Lanternly Software Ltd"
VIAddVersionKey "FileDescription" "Lanternly Desk Setup"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "Copyright (C) 2022 Lanternly Software Ltd"
Page instfiles

Section "install"
  InitPluginsDir
  SetOutPath "$PLUGINSDIR"
  File "${APPDIR}\app-64.7z"
  SetOutPath "$INSTDIR"
  ; electron-builder calls its nsis7z plug-in here to unpack app-64.7z.
  WriteUninstaller "$INSTDIR\Uninstall Lanternly Desk.exe"
SectionEnd

Section "Uninstall"
  RMDir /r "$INSTDIR"
SectionEnd
