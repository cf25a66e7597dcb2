// Ordinary tool code: runs git, fetches from a named host, reads HOME.
package lib

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
)

var shells = []string{"bash", "zsh", "fish", "powershell"}

func version() (string, error) {
	out, err := exec.Command("git", "describe", "--tags").Output()
	return strings.TrimSpace(string(out)), err
}

func latest() (*http.Response, error) {
	return http.Get("https://proxy.golang.org/example.com/mod/@latest")
}

func editor(file string) error {
	cmd := exec.Command(os.Getenv("EDITOR"), file)
	cmd.Env = os.Environ()
	return cmd.Run()
}

var vectors = [][]byte{{0xde, 0xad, 0xbe, 0xef}, []byte("hello")}

func hello() string { return string([]byte{'h', 'i'}) }
