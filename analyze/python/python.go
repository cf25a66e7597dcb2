// Package python analyzes Python source without running it: a small
// tokenizer separates code from comments and strings, and the rules read
// calls (with their import aliases resolved), string literals and the
// indentation that tells module-level code from function bodies.
//
// What runs at import time matters most: a package's __init__.py and a
// setup.py run on every import and every install, so a process, a thread
// or a network call at their module level is high.
package python

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/analyze/shell"
	"github.com/vigilsec/vigil/report"
)

// Rule IDs.
const (
	RuleExecDecoded   = "py.exec-decoded"
	RuleDynamicExec   = "py.dynamic-exec"
	RuleSubprocess    = "py.subprocess"
	RuleNetwork       = "py.network"
	RuleDNSBuilt      = "py.dns-built-name"
	RuleSensitivePath = "py.sensitive-path"
	RuleThread        = "py.module-thread"
	RuleImportTime    = "py.import-time"
	RulePthExec       = "py.pth-exec"
	RuleDownloadExec  = "py.download-exec"
	RuleEnvExfil      = "py.env-exfil"
)

// maxSource bounds the bytes of one file that are read.
const maxSource = 8 << 20

// Analyzer inspects Python files.
type Analyzer struct{}

var _ analyze.Analyzer = Analyzer{}

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "python" }

// Rules implements analyze.Analyzer.
func (Analyzer) Rules() []report.Rule {
	r := func(id string, l report.Level, s, h string) report.Rule {
		return report.Rule{ID: id, Level: l, Summary: s, Help: h}
	}
	return []report.Rule{
		r(RuleExecDecoded, report.High, "exec or eval of decoded or downloaded data",
			"exec(base64.b64decode(...)), eval(zlib.decompress(...)), exec(urlopen(...).read()): code that no reader of the file can see."),
		r(RuleDynamicExec, report.Medium, "exec or eval of a value built at run time", "Dynamic code is sometimes honest (templating) but always worth a look."),
		r(RuleSubprocess, report.Medium, "starts a process", "subprocess, os.system and os.popen run other programs."),
		r(RuleNetwork, report.Low, "uses the network", "Sockets, urllib, requests and the like."),
		r(RuleDNSBuilt, report.Medium, "DNS lookup of a name built at run time",
			"Resolving <data>.<domain> sends data to whoever runs the domain's name server: DNS exfiltration. High when the file also encodes data or reads sensitive files."),
		r(RuleSensitivePath, report.Medium, "names a credential or system file",
			"~/.ssh, /etc/passwd, browser and wallet storage. High in a file that also uses the network."),
		r(RuleThread, report.Medium, "thread started at module level", "Work started at import time runs in every program that imports the module. High in __init__.py and setup.py."),
		r(RuleImportTime, report.High, "process, thread or network at import or install time",
			"Module-level code in __init__.py or setup.py runs on every import or install; honest packages do not spawn processes or talk to the network there."),
		r(RuleDownloadExec, report.High, "program downloaded, made executable and started", "One function fetches a file from a server written into the code, marks it executable and starts a process: the dropper shape (the ultralytics 8.3.41 miner)."),
		r(RuleEnvExfil, report.High, "environment sent over the network", "One function reads the whole environment out (dict(os.environ), json.dumps, an encoder) and also sends data over the network: CI tokens and cloud keys leave with it (the ctx and phpass hijacks)."),
		r(RulePthExec, report.Medium, ".pth file runs code at interpreter start",
			"Lines of a .pth file that start with import are executed by every Python process on the machine; the code on them is inspected as import-time code."),
	}
}

// Analyze implements analyze.Analyzer.
func (Analyzer) Analyze(f *analyze.File) []report.Finding {
	src := f.Data
	if len(src) > maxSource {
		src = src[:maxSource]
	}
	base := path.Base(strings.ReplaceAll(f.Path, "!/", "/"))
	switch {
	case f.Kind == analyze.Python:
		return analyzeSource(string(src), base == "__init__.py" || base == "setup.py")
	case strings.HasSuffix(base, ".pth") && f.Kind.IsText():
		return analyzePth(src)
	}
	return nil
}

// A call is one call expression: its callee with import aliases resolved
// ("subprocess.run" for sp.run), and its argument tokens.
type call struct {
	name   string
	args   []token
	off    int
	module bool   // at module level, not inside a def or class body
	def    string // the enclosing top-level def or class, if any
	scope  string // the enclosing defs and classes, dot-separated
}

// checker holds what one file's rules need to see of the whole file.
type checker struct {
	src     string
	starts  []int
	startup bool // __init__.py or setup.py
	out     []report.Finding
	seen    map[string]bool
	caps    map[string][]string // def name -> capabilities of its body
	has     map[string]bool     // capabilities anywhere in the file
	alias   map[string]string   // import aliases
	built   map[string]bool     // names assigned from strings built at run time
	funcs   map[string]bool     // top-level functions (not classes) of the file
	config  map[int]bool        // findings (by index) that name configuration, not secrets
}

func analyzeSource(src string, startup bool) []report.Finding {
	c := &checker{src: src, startup: startup, seen: map[string]bool{}, caps: map[string][]string{}, has: map[string]bool{}, config: map[int]bool{}}
	c.starts = []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			c.starts = append(c.starts, i+1)
		}
	}
	lines := tokenize(src)
	c.alias = imports(lines)
	calls, tainted, built := collect(lines, c.alias)
	c.built = built
	c.funcs = functions(lines)
	for _, l := range lines {
		if len(l.toks) == 1 {
			continue // a docstring or a bare string statement
		}
		for _, t := range l.toks {
			if t.kind == tString {
				c.sensitive(t)
			}
		}
	}
	for _, k := range calls {
		c.call(k, tainted)
	}
	for _, k := range calls {
		c.importTime(k)
	}
	c.routines(calls)
	c.installTime(lines, calls)
	c.combine()
	report.SortFindings(c.out)
	return c.out
}

func (c *checker) add(id string, lvl report.Level, msg string, off int, match string) {
	match = report.Snippet(strings.Join(strings.Fields(match), " "))
	i := sort.SearchInts(c.starts, off+1) - 1
	key := fmt.Sprintf("%s\x00%d\x00%s", id, i, match)
	if c.seen[key] || len(c.out) >= maxFindings {
		return
	}
	c.seen[key] = true
	c.out = append(c.out, report.Finding{Rule: id, Level: lvl, Message: msg, Line: i + 1, Column: off - c.starts[i] + 1, Offset: int64(off), Match: match})
}

// maxFindings bounds the findings of one file.
const maxFindings = 200

// call applies the per-call rules and records the capability.
func (c *checker) call(k call, tainted map[string]bool) {
	var capability string
	switch {
	case isExec(k.name):
		capability = "eval" // dynamic code, not by itself an import-time alarm
		if decodes(k.args, tainted, c.alias, k.scope) {
			c.add(RuleExecDecoded, report.High, fmt.Sprintf("%s runs code decoded or downloaded at run time", k.name), k.off, k.name+"("+text(k.args)+")")
			capability = "exec"
		} else if !literalOnly(k.args) {
			c.add(RuleDynamicExec, report.Medium, fmt.Sprintf("%s runs code built at run time", k.name), k.off, k.name)
		}
	case isSubprocess(k.name):
		c.add(RuleSubprocess, report.Medium, fmt.Sprintf("%s starts a process", k.name), k.off, k.name)
		for _, t := range k.args {
			if t.kind == tString {
				for _, f := range shell.Inspect([]byte(unescape(literal(t)))) {
					if f.Level >= report.Medium {
						c.add(f.Rule, f.Level, "in the command line "+k.name+" runs: "+f.Message, t.off, f.Match)
					}
				}
			}
		}
		for i, t := range k.args {
			if t.kind == tString && literal(t) == "-c" && i+2 < len(k.args) && k.args[i+2].kind == tString && len(k.args[i+2].text) < len(c.src) {
				for _, f := range analyzeSource(unescape(literal(k.args[i+2])), false) {
					c.add(f.Rule, f.Level, "in python -c: "+f.Message, k.args[i+2].off, f.Match)
				}
			}
		}
		capability = "process"
		if buildTool(k.args) {
			capability = "build-tool"
		}
	case isDNS(k.name):
		if isBuilt(firstArg(k.args), c.built, k.scope) {
			c.add(RuleDNSBuilt, report.Medium, fmt.Sprintf("%s resolves a name built at run time", k.name), k.off, k.name+"("+text(firstArg(k.args))+")")
			capability = "dns"
		} else {
			c.add(RuleNetwork, report.Low, fmt.Sprintf("%s uses the network", k.name), k.off, k.name)
			capability = "network"
		}
	case isNetwork(k.name):
		c.add(RuleNetwork, report.Low, fmt.Sprintf("%s uses the network", k.name), k.off, k.name)
		capability = "netlib" // configuring a network library sends nothing
		if isTraffic(k.name) {
			capability = "network"
		}
	case isThread(k.name):
		capability = "thread"
		if k.module {
			lvl := report.Medium
			if c.startup {
				lvl = report.High
			}
			c.add(RuleThread, lvl, fmt.Sprintf("%s starts work at module level, on import", k.name), k.off, k.name)
		}
	case isEncoder(k.name):
		capability = "encode"
	}
	if capability == "" {
		return
	}
	c.has[capability] = true
	if k.def != "" {
		c.caps[k.def] = appendOnce(c.caps[k.def], capability)
	}
}

// importTime reports, in __init__.py and setup.py, module-level calls that
// spawn, thread or reach the network, directly or through a function of
// the same file.
func (c *checker) importTime(k call) {
	if !c.startup || !k.module {
		return
	}
	var what []string
	switch {
	case isSubprocess(k.name) && !buildTool(k.args):
		what = []string{"process"}
	case isTraffic(k.name), isDNS(k.name):
		what = []string{"network"}
	case isThread(k.name):
		what = []string{"thread"}
		for i, t := range k.args {
			if t.kind == tName && t.text == "target" && i+2 < len(k.args) && k.args[i+1].text == "=" {
				what = append(what, c.caps[k.args[i+2].text]...)
			}
		}
	case c.funcs[k.name]:
		what = c.caps[k.name] // a function of this file, called on import
	}
	what = risky(what)
	if len(what) == 0 {
		return
	}
	c.add(RuleImportTime, report.High, fmt.Sprintf("module-level code of an import- or install-time file starts: %s", strings.Join(what, ", ")), k.off, k.name)
}

// installTime reports, in setup.py, the command classes registered through
// cmdclass whose bodies spawn, thread or reach the network: they run when
// pip installs the package.
func (c *checker) installTime(lines []logical, calls []call) {
	if !c.startup {
		return
	}
	registered := map[string]bool{}
	for _, l := range lines {
		has := false
		for _, t := range l.toks {
			has = has || t.text == "cmdclass"
		}
		for _, t := range l.toks {
			if has && t.kind == tName {
				registered[t.text] = true
			}
		}
	}
	for _, k := range calls {
		if k.def == "" || !registered[k.def] || k.module {
			continue
		}
		if what := risky(c.caps[k.def]); len(what) > 0 && (isSubprocess(k.name) || isNetwork(k.name) || isDNS(k.name) || isThread(k.name) || isExec(k.name)) {
			c.add(RuleImportTime, report.High, fmt.Sprintf("the setup command %s, registered in cmdclass, runs at install and starts: %s", k.def, strings.Join(what, ", ")), k.off, k.name)
		}
	}
}

// functions returns the names of the file's top-level functions. Calling a
// class only runs its __init__, so classes are left out.
func functions(lines []logical) map[string]bool {
	out := map[string]bool{}
	for _, l := range lines {
		t := l.toks
		if l.indent == 0 && len(t) > 1 && t[0].text == "async" {
			t = t[1:]
		}
		if l.indent == 0 && len(t) > 1 && t[0].text == "def" {
			out[t[1].text] = true
		}
	}
	return out
}

// buildTools are the programs setup.py and __init__.py honestly run at
// module level: asking git for the version, pkg-config for flags, a
// compiler or nvidia-smi for what the machine has.
var buildTools = map[string]bool{
	"git": true, "hg": true, "svn": true, "pkg-config": true, "which": true, "uname": true,
	"cmake": true, "gcc": true, "cc": true, "g++": true, "clang": true, "nvcc": true,
	"nvidia-smi": true, "xcrun": true, "sw_vers": true, "ldconfig": true, "python": true,
	"python3": true, "sys.executable": true, "rustc": true, "cargo": true, "go": true,
}

// buildTool reports whether a subprocess call runs one of buildTools,
// named by the first string literal (or sys.executable) of its arguments.
func buildTool(args []token) bool {
	for _, t := range args {
		if t.kind == tString && literal(t) == "-c" {
			return false // python -c "<program>": the program decides
		}
	}
	for i, t := range args {
		if t.kind == tName && t.text == "sys" && i+2 < len(args) && args[i+2].text == "executable" {
			return true
		}
		if t.kind == tString {
			f := strings.Fields(literal(t))
			return len(f) > 0 && buildTools[path.Base(f[0])]
		}
	}
	return false
}

func risky(caps []string) []string {
	var out []string
	for _, c := range caps {
		switch c {
		case "process", "network", "dns", "thread", "exec":
			out = appendOnce(out, c)
		}
	}
	return out
}

// combine raises findings whose meaning depends on the rest of the file:
// a DNS lookup of a built name is exfiltration when the file also encodes
// data or reads sensitive files; a sensitive path is theft when the file
// also uses the network.
// routines reports what one function (or the module body) does in
// concert: fetching a program from a server written into it, making it
// executable and starting it; or dumping the whole environment in a
// function that sends data out.
func (c *checker) routines(calls []call) {
	type routine struct {
		fetch, chmod, process, traffic, url bool
		envAt                               int
		envMatch                            string
	}
	byScope := map[string]*routine{}
	for _, k := range calls {
		r := byScope[k.scope]
		if r == nil {
			r = &routine{envAt: -1}
			byScope[k.scope] = r
		}
		switch {
		case isFetch(k.name):
			r.fetch, r.traffic = true, true
			for _, t := range k.args {
				if t.kind == tString && strings.Contains(literal(t), "://") {
					r.url = true
				}
			}
		case isTraffic(k.name):
			r.traffic = true
		case k.name == "os.chmod" || k.name == "os.fchmod":
			r.chmod = true
		case isSubprocess(k.name):
			r.process = true
		}
		if at, m := envDump(k); at >= 0 && r.envAt < 0 {
			r.envAt, r.envMatch = at, m
		}
	}
	for _, k := range calls {
		r := byScope[k.scope]
		if r.fetch && r.url && r.chmod && r.process && isSubprocess(k.name) {
			c.add(RuleDownloadExec, report.High, fmt.Sprintf("downloads from a server written into the code, makes the file executable and starts it (%s)", k.name), k.off, "download+chmod+"+k.name)
			r.fetch = false // once per routine
		}
		if r.traffic && r.envAt >= 0 {
			c.add(RuleEnvExfil, report.High, "the whole environment is read out in a routine that also sends data over the network", r.envAt, r.envMatch)
			r.envAt = -1
		}
	}
}

// envDump returns where a call reads the whole of os.environ out (dict,
// str, json.dumps or an encoder over it; os.environ.copy/items), or -1.
// Handing it to a child process (env=os.environ) is not reading it out.
func envDump(k call) (int, string) {
	switch k.name {
	case "os.environ.copy", "os.environ.items", "os.environ.keys", "os.environ.values":
		return k.off, k.name
	}
	if isSubprocess(k.name) {
		return -1, ""
	}
	a := k.args
	for i := 0; i+2 < len(a); i++ {
		if a[i].text != "os" || a[i+1].text != "." || a[i+2].text != "environ" {
			continue
		}
		if i+3 < len(a) && (a[i+3].text == "[" || a[i+3].text == ".") {
			continue // one variable, or a method named above
		}
		if i >= 2 && a[i-1].text == "=" && a[i-2].text == "env" {
			continue
		}
		return k.off, k.name + "(os.environ)"
	}
	return -1, ""
}

func (c *checker) combine() {
	sens := false
	for _, f := range c.out {
		if f.Rule == RuleSensitivePath {
			sens = true
		}
	}
	for i := range c.out {
		f := &c.out[i]
		switch {
		case f.Rule == RuleDNSBuilt && (c.has["encode"] || sens):
			f.Level = report.High
			f.Message += ", in a file that also encodes data or reads sensitive files"
		case f.Rule == RuleSensitivePath && !c.config[i] && (c.has["network"] || c.has["dns"]):
			f.Level = report.High
			f.Message += ", in a file that also uses the network"
		}
	}
}

// sensitive reports string literals that name credential or system files.
// Secrets (keys, tokens, wallets) can be raised to high by the rest of the
// file; configuration that network clients honestly read (.netrc for
// requests, .pypirc for pip, /etc/hosts) stays medium.
func (c *checker) sensitive(t token) {
	s := literal(t)
	if len(s) > 300 || strings.Contains(s, "://") || strings.ContainsAny(s, " \t\n") && !strings.ContainsAny(s, `/\`) {
		return // prose or a URL, not a path
	}
	low := strings.ToLower(s)
	for _, p := range secretPaths {
		if strings.Contains(low, p) {
			c.add(RuleSensitivePath, report.Medium, fmt.Sprintf("the code names %q, where credentials are kept", p), t.off, s)
			return
		}
	}
	for _, p := range configPaths {
		if strings.Contains(low, p) {
			n := len(c.out)
			c.add(RuleSensitivePath, report.Medium, fmt.Sprintf("the code names %q, a system or client configuration file", p), t.off, s)
			if len(c.out) > n {
				c.config[n] = true
			}
			return
		}
	}
}

var secretPaths = []string{
	"~/.ssh", "/.ssh/", ".ssh/id_", "id_rsa", "id_ed25519", "/etc/passwd", "/etc/shadow",
	".aws/credentials", ".npmrc", ".git-credentials", ".docker/config.json", ".kube/config",
	".bash_history", ".zsh_history", "login data", "local state", "user data/default", "wallet.dat",
	"exodus", "electrum", "ethereum/keystore", "nkbihfbeogaeaoehlefnkodbefgpgknn", ".gnupg",
}

var configPaths = []string{".netrc", ".pypirc", ".gitconfig", "/etc/hosts", "/etc/resolv.conf"}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func text(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && t.off > toks[i-1].off+len(toks[i-1].text) {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
		if b.Len() > report.MaxMatch {
			break
		}
	}
	return b.String()
}

// unescape resolves the common escapes of a string literal's text.
func unescape(s string) string {
	return strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\"`, `"`, `\'`, `'`, `\\`, `\`).Replace(s)
}

// analyzePth inspects a .pth file. Python's site module executes the lines
// that start with "import" and treats the rest as directories, so only
// those lines are code, and they run at every interpreter start.
func analyzePth(b []byte) []report.Finding {
	code := make([]byte, len(b))
	for i := range code {
		code[i] = ' '
		if b[i] == '\n' {
			code[i] = '\n'
		}
	}
	c := &checker{seen: map[string]bool{}, config: map[int]bool{}}
	c.starts = []int{0}
	var lines [][2]int
	for off := 0; off < len(b); {
		end := off + bytes.IndexByte(b[off:], '\n')
		if end < off {
			end = len(b)
		}
		c.starts = append(c.starts, end+1)
		if bytes.HasPrefix(b[off:end], []byte("import ")) || bytes.HasPrefix(b[off:end], []byte("import\t")) {
			copy(code[off:end], b[off:end])
			lines = append(lines, [2]int{off, end})
		}
		off = end + 1
	}
	for _, l := range lines {
		c.add(RulePthExec, report.Medium, "this .pth line runs at the start of every Python process", l[0], string(b[l[0]:l[1]]))
	}
	out := append(c.out, analyzeSource(string(code), true)...)
	report.SortFindings(out)
	return out
}
