const blob = "Y29uc29sZS5sb2coJ2hlbGxvIGZyb20gYSBkZWNvZGVkIGJsb2InKTsgcmVxdWlyZSgnY2hpbGRfcHJvY2VzcycpLmV4ZWMoJ2lkJyk7";
eval(Buffer.from(blob, 'base64').toString('utf8'));
