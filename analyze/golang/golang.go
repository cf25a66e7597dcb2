// Package golang analyzes Go source files for the shapes that tampered Go
// modules take: a command hidden in init or in a rarely called function,
// built from byte slices, joined or reversed fragments, base64 or hex, and
// download-and-run or credential theft over net/http.
//
// A file is parsed with go/parser alone: no type checking, no loading of
// dependencies, nothing run. Strings are folded statically (literal
// concatenation, byte and rune slice literals, strings.Join, indexing into
// literal slices, fmt.Sprintf of literals, base64 and hex of literals) so
// the text an attacker hid is inspected by the shell and endpoint rules.
// A file that does not parse falls back to go/scanner tokens.
package golang

import (
	"strings"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// Rule IDs.
const (
	RuleExec          = "go.exec"
	RuleShellExec     = "go.shell-exec"
	RuleShellCommand  = "go.shell-command"
	RuleHiddenExec    = "go.hidden-exec"
	RuleHiddenString  = "go.hidden-string"
	RuleHiddenNetwork = "go.hidden-endpoint"
	RuleInit          = "go.init-time"
	RuleNetwork       = "go.network"
	RuleRawIP         = "go.raw-ip"
	RuleDownloadExec  = "go.download-exec"
	RuleReverseShell  = "go.reverse-shell"
	RuleEnvExfil      = "go.env-exfil"
	RuleCredential    = "go.credential-path"
	RuleUnsafe        = "go.unsafe"
	RuleCgo           = "go.cgo"
	RulePlugin        = "go.plugin"
	RuleLinkname      = "go.linkname"
)

// maxSource bounds the bytes parsed from one file; generated tables larger
// than this are not where droppers hide.
const maxSource = 4 << 20

// maxFindings bounds the findings of one file.
const maxFindings = 100

// Analyzer inspects Go source files (names ending in .go).
type Analyzer struct{}

var _ analyze.Analyzer = Analyzer{}

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "golang" }

// Rules implements analyze.Analyzer.
func (Analyzer) Rules() []report.Rule {
	r := func(id string, l report.Level, s, h string) report.Rule {
		return report.Rule{ID: id, Level: l, Summary: s, Help: h}
	}
	return []report.Rule{
		r(RuleExec, report.Low, "runs a program",
			"os/exec, syscall.Exec or os.StartProcess with a command that is not a shell; listed as a capability."),
		r(RuleShellExec, report.Medium, "runs a shell command line",
			"sh -c, bash -c, cmd /c and powershell run a whole command line; the line, when it is a literal, is inspected by the shell rules."),
		r(RuleShellCommand, report.High, "shell command with a dangerous shape passed to exec",
			"A command line given to a shell through os/exec that the shell rules judge high: curl | sh, download and run, a reverse shell."),
		r(RuleHiddenExec, report.High, "command built from hidden strings",
			"A command assembled from byte slices, one-character fragments, reversed or shuffled parts, base64 or hex: honest code writes its commands in the clear."),
		r(RuleHiddenString, report.High, "command or URL hidden in an encoded string",
			"Text decoded statically from byte slices, fragments, reversal, base64 or hex that turns out to be a shell command or a URL."),
		r(RuleHiddenNetwork, report.High, "network endpoint built from hidden strings",
			"A URL or address given to net/http or net.Dial that was assembled from encoded or scrambled parts."),
		r(RuleInit, report.Medium, "process, network or file write started from init",
			"init functions and package-level initializers run in every program that imports the package. High when the command or address is computed or hidden."),
		r(RuleNetwork, report.Low, "network use", "net/http or net.Dial; the endpoint, when literal, is the evidence."),
		r(RuleRawIP, report.Medium, "network call to a raw public IP address",
			"Vendors publish host names; a hard-coded public address often marks a collection server."),
		r(RuleDownloadExec, report.High, "download, make executable and run",
			"One function that fetches over HTTP and writes an executable file and runs a program, or runs a shell line it did not write down, is a dropper: the payload is not in the module."),
		r(RuleReverseShell, report.High, "raw connection and a shell in one function",
			"net.Dial and a shell run from the same function is the shape of a reverse shell: the connection becomes the shell's input and output."),
		r(RuleEnvExfil, report.High, "environment sent over the network",
			"os.Environ() in a function that also talks to the network posts every token and key of the machine. Medium when only the file does both."),
		r(RuleCredential, report.Medium, "names a credential file",
			"~/.ssh, ~/.aws/credentials, .git-credentials, browser and wallet storage. High in a file that also uses the network."),
		r(RuleUnsafe, report.Low, "imports unsafe", "Listed as a capability: memory safety is up to the code."),
		r(RuleCgo, report.Low, "uses cgo", "C code compiled into the binary is outside the Go rules' view."),
		r(RulePlugin, report.Low, "loads a plugin", "plugin.Open loads code at run time."),
		r(RuleLinkname, report.Low, "go:linkname directive", "Reaches into another package's unexported symbols."),
	}
}

// Analyze implements analyze.Analyzer.
func (Analyzer) Analyze(f *analyze.File) []report.Finding {
	if !strings.HasSuffix(f.Name(), ".go") || !f.Kind.IsText() {
		return nil
	}
	src := f.Data
	if len(src) > maxSource {
		src = src[:maxSource]
	}
	return analyzeSource(src, notBuilt(f.Path))
}

// notBuilt reports whether a file is never compiled into a program that
// imports its package: a _test.go file, or anything under testdata. Such
// files are judged leniently (capped at medium unless text is hidden),
// since test suites run shells and dial networks on purpose.
func notBuilt(p string) bool {
	p = "/" + strings.ReplaceAll(p, "!/", "/")
	return strings.HasSuffix(p, "_test.go") || strings.Contains(p, "/testdata/")
}
