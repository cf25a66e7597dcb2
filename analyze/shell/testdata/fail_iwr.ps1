iwr -UseBasicParsing https://get.tool.example/i.ps1 | iex
