package lib

import (
	"os/exec"
	"testing"
)

func TestShell(t *testing.T) {
	out, err := exec.Command("/bin/sh", "-c", "echo hello | cat").Output()
	if err != nil || string(out) != "hello\n" {
		t.Fatal(err)
	}
}
