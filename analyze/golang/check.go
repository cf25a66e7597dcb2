package golang

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"net/netip"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/vigilsec/vigil/analyze/endpoint"
	"github.com/vigilsec/vigil/analyze/shell"
	"github.com/vigilsec/vigil/report"
)

// checker holds one file's state while its declarations are walked.
type checker struct {
	fset  *token.FileSet
	start token.Pos // the file's first byte
	ev    evaluator
	test  bool // a _test.go or testdata file: not built into a user's binary
	out   []report.Finding
	seen  map[string]bool

	initFuncs map[*ast.FuncDecl]bool // functions reachable from init in this file
	fileNet   bool                   // some function of the file uses the network
	creds     []report.Finding
	envAt     []token.Pos // os.Environ() calls whose result is not a child's environment
}

// caps is what one top-level function does, closures included. A file
// written with an execute bit (os.WriteFile(p, b, 0o755), os.Chmod, f.Chmod)
// sets chmodX.
type caps struct {
	init                 bool
	fetch, chmodX, exec  bool
	dial                 bool // a raw connection: net.Dial, tls.Dial
	shell, shellComputed bool // runs a shell; its command line not literal
	env, net             bool
	firstFetch, firstEnv token.Pos
}

func analyzeSource(src []byte, test bool) []report.Finding {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.SkipObjectResolution)
	if f == nil || (err != nil && len(f.Decls) == 0) {
		return scanTokens(src, test)
	}
	c := &checker{fset: fset, start: f.FileStart, test: test, seen: map[string]bool{}}
	c.ev.imports = map[string]string{}
	c.ev.work = fileWork
	c.ev.funcs = map[string]*ast.FuncDecl{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Body != nil {
			c.ev.funcs[fd.Name.Name] = fd
		}
	}
	c.ev.global = map[string]ast.Expr{}
	c.imports(f)
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok {
			bindings(g, c.ev.global)
		}
	}
	c.directives(src)
	c.initFuncs = reachableFromInit(f, c.ev.imports)
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body == nil {
				continue
			}
			c.ev.scope(d)
			k := &caps{init: c.initFuncs[d]}
			c.walk(d.Body, k)
			c.combine(k, d.Pos())
		case *ast.GenDecl:
			c.ev.scope(d)
			c.genDecl(d)
		}
	}
	for _, cr := range c.creds {
		if c.fileNet && !c.test {
			cr.Level = report.High
			cr.Message += " in a file that also uses the network"
		}
		c.add(cr)
	}
	if c.fileNet && len(c.envAt) > 0 && !c.test {
		// Proxies and launchers copy the environment to a child in a
		// loop; only the same function sending it out (below) alarms.
		c.addAt(RuleEnvExfil, report.Medium, "os.Environ() is read in a file that also uses the network", c.envAt[0], "os.Environ()")
	}
	return c.finish()
}

// childEnv marks the os.Environ() calls under an assignment to an Env
// field (cmd.Env = os.Environ(), exec.Cmd{Env: append(os.Environ(), ...)}):
// the environment handed on to a child process, not read out.
func childEnv(n ast.Node, child map[ast.Node]bool) {
	var vals []ast.Expr
	switch n := n.(type) {
	case *ast.AssignStmt:
		for i, l := range n.Lhs {
			if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Env" && i < len(n.Rhs) {
				vals = append(vals, n.Rhs[i])
			}
		}
	case *ast.KeyValueExpr:
		if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Env" {
			vals = append(vals, n.Value)
		}
	}
	for _, v := range vals {
		ast.Inspect(v, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				child[call] = true
			}
			return true
		})
	}
}

// genDecl walks package-level declarations. Variable initializers run at
// init time, except the bodies of function values that are not called.
func (c *checker) genDecl(d *ast.GenDecl) {
	for _, s := range d.Specs {
		vs, ok := s.(*ast.ValueSpec)
		if !ok {
			continue
		}
		for _, v := range vs.Values {
			k := &caps{init: d.Tok == token.VAR}
			if _, lit := v.(*ast.FuncLit); lit {
				k.init = false
			}
			c.walk(v, k)
			c.combine(k, v.Pos())
		}
	}
}

// imports maps each import's local name to its path and reports unsafe,
// cgo and plugin imports.
func (c *checker) imports(f *ast.File) {
	for _, s := range f.Imports {
		p, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			continue
		}
		name := path.Base(p)
		if strings.HasPrefix(name, "v") && strings.Contains(p, "/") {
			if _, err := strconv.Atoi(name[1:]); err == nil { // gopkg.in/x/v2
				name = path.Base(path.Dir(p))
			}
		}
		if s.Name != nil {
			name = s.Name.Name
		}
		c.ev.imports[name] = p
		switch p {
		case "unsafe":
			c.addAt(RuleUnsafe, report.Low, "imports unsafe", s.Pos(), `import "unsafe"`)
		case "C":
			c.addAt(RuleCgo, report.Low, "uses cgo", s.Pos(), `import "C"`)
		}
	}
}

// directives reports //go:linkname lines. They are found in the bytes,
// not the tree, because parsing comments costs a third of the parse.
func (c *checker) directives(src []byte) {
	const dir = "//go:linkname "
	for off := 0; ; {
		i := bytes.Index(src[off:], []byte(dir))
		if i < 0 {
			return
		}
		off += i
		if off == 0 || src[off-1] == '\n' {
			end := bytes.IndexByte(src[off:], '\n')
			if end < 0 {
				end = len(src) - off
			}
			c.addAt(RuleLinkname, report.Low, "go:linkname reaches another package's symbols", c.fset.File(c.start).Pos(off), strings.TrimSpace(string(src[off:off+end])))
		}
		off += len(dir)
	}
}

// reachableFromInit returns the file's functions and methods that init
// functions and package-level initializers call, directly or through one
// another. Methods are matched by name, as there are no types to tell
// which one x.m() calls.
func reachableFromInit(f *ast.File, imports map[string]string) map[*ast.FuncDecl]bool {
	funcs := map[string][]*ast.FuncDecl{}
	var queue []ast.Node
	reach := map[*ast.FuncDecl]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			switch {
			case d.Body == nil:
			case d.Recv == nil && d.Name.Name == "init":
				reach[d] = true
				queue = append(queue, d.Body)
			case d.Recv == nil:
				funcs[d.Name.Name] = append(funcs[d.Name.Name], d)
			default:
				funcs["."+d.Name.Name] = append(funcs["."+d.Name.Name], d)
			}
		case *ast.GenDecl:
			if d.Tok == token.VAR {
				queue = append(queue, d)
			}
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		ast.Inspect(n, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var key string
			switch fun := call.Fun.(type) {
			case *ast.Ident:
				key = fun.Name
			case *ast.SelectorExpr:
				if id, ok := fun.X.(*ast.Ident); ok && imports[id.Name] != "" {
					return true
				}
				key = "." + fun.Sel.Name
			}
			for _, d := range funcs[key] {
				if !reach[d] {
					reach[d] = true
					queue = append(queue, d.Body)
				}
			}
			return true
		})
	}
	return reach
}

// sinks of each kind, by package-qualified name; the value is the index of
// the argument that names the command or the endpoint.
var (
	execSinks = map[string]int{
		"os/exec.Command": 0, "os/exec.CommandContext": 1,
		"syscall.Exec": 1, "syscall.ForkExec": 1, "syscall.StartProcess": 1,
		"os.StartProcess": 1, "golang.org/x/sys/unix.Exec": 1,
	}
	netSinks = map[string]int{
		"net/http.Get": 0, "net/http.Post": 0, "net/http.PostForm": 0, "net/http.Head": 0,
		"net/http.NewRequest": 1, "net/http.NewRequestWithContext": 2,
		"net.Dial": 1, "net.DialTimeout": 1, "crypto/tls.Dial": 1, "crypto/tls.DialWithDialer": 2,
	}
	writeSinks = map[string]int{
		"os.WriteFile": 2, "io/ioutil.WriteFile": 2, "os.Create": -1, "os.OpenFile": 2,
	}
)

// walk visits the calls under n, recording capabilities in k.
func (c *checker) walk(n ast.Node, k *caps) {
	called := map[*ast.FuncLit]bool{}
	child := map[ast.Node]bool{} // os.Environ() calls that only set a child's environment
	ast.Inspect(n, func(n ast.Node) bool {
		childEnv(n, child)
		if lit, ok := n.(*ast.FuncLit); ok && k.init && !called[lit] {
			// A function value made at init time runs later, if ever.
			later := &caps{}
			c.walk(lit.Body, later)
			c.combine(later, lit.Pos())
			return false
		}
		c.hidden(n)
		if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
			c.credential(bl)
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if lit, ok := call.Fun.(*ast.FuncLit); ok {
			called[lit] = true
		}
		name := c.ev.callee(call.Fun)
		if name == "" {
			// f.Chmod(0o755) on an *os.File.
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Chmod" && len(call.Args) > 0 && executableMode(call.Args[len(call.Args)-1]) {
				k.chmodX = true
			}
			return true
		}
		if i, ok := execSinks[name]; ok {
			c.exec(call, name, i, k)
		} else if i, ok := netSinks[name]; ok {
			c.network(call, name, i, k)
		} else if i, ok := writeSinks[name]; ok {
			if i >= 0 && i < len(call.Args) && executableMode(call.Args[i]) {
				k.chmodX = true
			}
			if k.init && !c.test {
				c.addAt(RuleInit, report.Medium, "init writes a file", call.Pos(), short(name)+"(…)")
			}
		}
		switch name {
		case "os.Chmod":
			if len(call.Args) == 2 && executableMode(call.Args[1]) {
				k.chmodX = true
			}
		case "os.Environ":
			if child[call] {
				break
			}
			k.env = true
			c.envAt = append(c.envAt, call.Pos())
			if !k.firstEnv.IsValid() {
				k.firstEnv = call.Pos()
			}
		case "plugin.Open":
			c.addAt(RulePlugin, report.Low, "plugin.Open loads code at run time", call.Pos(), "plugin.Open")
		case "net/http.DefaultClient.Do", "net/http.DefaultClient.Get", "net/http.DefaultClient.Post":
			k.fetch, k.net, c.fileNet = true, true, true
		}
		return true
	})
}

// executableMode reports whether x is a literal file mode with an execute
// bit.
func executableMode(x ast.Expr) bool {
	bl, ok := x.(*ast.BasicLit)
	if !ok || bl.Kind != token.INT {
		return false
	}
	n, err := strconv.ParseInt(bl.Value, 0, 64)
	return err == nil && n&0o111 != 0
}

// short drops the import path's directories: "exec.Command".
func short(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

var shells = map[string]bool{
	"sh": true, "bash": true, "zsh": true, "dash": true, "ash": true, "ksh": true, "busybox": true,
	"cmd": true, "cmd.exe": true, "powershell": true, "powershell.exe": true, "pwsh": true, "pwsh.exe": true,
}

// args folds the arguments from index i to end, expanding a literal slice
// passed with "...". Each is nil when it could not be folded.
func (c *checker) args(call *ast.CallExpr, i, end int) []*value {
	var out []*value
	for j := i; j < min(end, len(call.Args)); j++ {
		v, ok := c.ev.eval(call.Args[j])
		switch {
		case !ok:
			out = append(out, nil)
		case v.isList:
			for _, s := range v.list {
				out = append(out, &value{s: s, how: v.how})
			}
		default:
			out = append(out, &v)
		}
	}
	return out
}

func (c *checker) exec(call *ast.CallExpr, name string, i int, k *caps) {
	k.exec = true
	words := c.args(call, i, len(call.Args))
	if name != "os/exec.Command" && name != "os/exec.CommandContext" {
		// syscall.Exec(path, argv, env): the argv slice is the command.
		words = c.args(call, i, i+1)
	}
	var text []string
	how, computed := "", len(words) == 0
	for _, w := range words {
		if w == nil {
			computed = true
			text = append(text, "…")
			continue
		}
		text = append(text, w.s)
		how = join(how, w.how)
	}
	line := strings.Join(text, " ")
	sh := len(words) > 0 && words[0] != nil && shells[strings.ToLower(path.Base(strings.ReplaceAll(words[0].s, `\`, "/")))]
	call0 := short(name)
	switch {
	case how != "":
		c.addAt(RuleHiddenExec, report.High, "runs a command built from "+how+": "+report.Snippet(line), call.Pos(), line)
	case sh:
		c.addAt(RuleShellExec, report.Medium, "runs a shell command line", call.Pos(), call0+"("+strconv.Quote(words[0].s)+", …)")
	case computed:
		c.addAt(RuleExec, report.Low, "runs a program named at run time", call.Pos(), call0+"(…)")
	default:
		c.addAt(RuleExec, report.Low, "runs a program", call.Pos(), call0+"("+strconv.Quote(words[0].s)+")")
	}
	if sh {
		k.shell = true
		k.shellComputed = k.shellComputed || computed
	}
	if sh || how != "" {
		c.inspect(call.Pos(), script(text, sh), RuleShellCommand, "shell command passed to exec")
	}
	if k.init && !c.test {
		if computed || how != "" {
			c.addAt(RuleInit, report.High, "init runs a command computed at run time", call.Pos(), call0+"(…)")
		} else {
			c.addAt(RuleInit, report.Medium, "init runs a command", call.Pos(), report.Snippet(line))
		}
	}
}

// script returns the command line a shell is asked to run: the words
// after its -c, /c or -Command flag; the whole line for other programs.
func script(words []string, sh bool) string {
	if sh {
		for i, w := range words[1:] {
			switch strings.ToLower(w) {
			case "-c", "/c", "/k", "-command", "-encodedcommand", "-e", "-ec":
				return strings.Join(words[i+2:], " ")
			}
		}
	}
	return strings.Join(words, " ")
}

// inspect runs a folded command line through the shell rules and reports
// their high findings under rule.
func (c *checker) inspect(pos token.Pos, line, rule, what string) bool {
	found := false
	if len(line) > maxReveal {
		line = line[:maxReveal]
	}
	for _, f := range shell.Inspect([]byte(line)) {
		if f.Level >= report.High {
			c.addAt(rule, report.High, what+": "+f.Message, pos, f.Match)
			found = true
		}
	}
	return found
}

func (c *checker) network(call *ast.CallExpr, name string, i int, k *caps) {
	k.net, c.fileNet = true, true
	if strings.HasPrefix(name, "net/http.") {
		k.fetch = true
	} else {
		k.dial = true
	}
	if !k.firstFetch.IsValid() {
		k.firstFetch = call.Pos()
	}
	call0 := short(name)
	var v value
	ok := false
	if i < len(call.Args) {
		v, ok = c.ev.eval(call.Args[i])
		ok = ok && !v.isList
	}
	switch {
	case !ok:
		c.addAt(RuleNetwork, report.Low, "network call to an address computed at run time", call.Pos(), call0+"(…)")
	case v.how != "":
		c.addAt(RuleHiddenNetwork, report.High, "network call to an address built from "+v.how+": "+report.Snippet(v.s), call.Pos(), v.s)
	case publicIP(v.s):
		c.addAt(RuleRawIP, report.Medium, "network call to a raw public IP address", call.Pos(), v.s)
	default:
		c.addAt(RuleNetwork, report.Low, "network call", call.Pos(), v.s)
	}
	if k.init && !c.test {
		if !ok || v.how != "" {
			c.addAt(RuleInit, report.High, "init talks to the network at an address computed at run time", call.Pos(), call0+"(…)")
		} else {
			c.addAt(RuleInit, report.Medium, "init talks to the network", call.Pos(), v.s)
		}
	}
}

// publicIP reports whether s names a public IP address as its host.
func publicIP(s string) bool {
	for _, h := range endpoint.Find([]byte(s)) {
		if a, err := netip.ParseAddr(h.Host); err == nil {
			if !(a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() || a.IsLinkLocalUnicast() || a.IsMulticast()) {
				return true
			}
		}
	}
	return false
}

// combine reports what one function does as a whole.
func (c *checker) combine(k *caps, pos token.Pos) {
	if k.fetch && k.exec && k.chmodX {
		c.addAt(RuleDownloadExec, report.High, "downloads, makes a file executable and runs a program in one function", k.firstFetch, "download+chmod+exec")
	}
	if k.fetch && k.shellComputed {
		c.addAt(RuleDownloadExec, report.High, "runs a shell command line computed in a function that downloads", k.firstFetch, "download+shell")
	}
	if k.dial && k.shell {
		c.addAt(RuleReverseShell, report.High, "opens a raw connection and runs a shell in one function", k.firstFetch, "net.Dial+shell")
	}
	if k.env && k.net {
		c.addAt(RuleEnvExfil, report.High, "os.Environ() is read in a function that also uses the network", k.firstEnv, "os.Environ()")
	}
}

// add records f unless a finding with the same rule and match is already
// there. Test files are capped at medium unless the finding is hidden text.
func (c *checker) add(f report.Finding) {
	if c.test && f.Level > report.Medium && !hiddenRule(f.Rule) {
		f.Level = report.Medium
	}
	key := f.Key()
	if c.seen[key] || len(c.out) >= maxFindings {
		return
	}
	c.seen[key] = true
	c.out = append(c.out, f)
}

func hiddenRule(id string) bool {
	return id == RuleHiddenExec || id == RuleHiddenString || id == RuleHiddenNetwork
}

func (c *checker) addAt(rule string, lvl report.Level, msg string, pos token.Pos, match string) {
	f := report.Finding{Rule: rule, Level: lvl, Message: msg, Match: report.Snippet(match)}
	if pos.IsValid() {
		p := c.fset.Position(pos)
		f.Line, f.Column, f.Offset = p.Line, p.Column, int64(p.Offset)
	}
	c.add(f)
}

func (c *checker) finish() []report.Finding {
	sort.SliceStable(c.out, func(i, j int) bool {
		if c.out[i].Offset != c.out[j].Offset {
			return c.out[i].Offset < c.out[j].Offset
		}
		return c.out[i].Rule < c.out[j].Rule
	})
	return c.out
}
