// An honest init: registers, reads a named variable, dials nothing.
package lib

import (
	"net/http"
	"os"
	"os/exec"
)

var debug = os.Getenv("LIB_DEBUG") != ""

var handlers = map[string]http.HandlerFunc{}

func init() {
	handlers["/health"] = func(w http.ResponseWriter, r *http.Request) {}
}

// Open runs the platform's opener; never called from init.
func Open(url string) error {
	return exec.Command("xdg-open", url).Start()
}
