var a = "unterminated string
eval(payload);
var r = /unterminated regexp
`template ${ never closed
