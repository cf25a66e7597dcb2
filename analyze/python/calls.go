package python

import "strings"

// imports maps each name an import statement binds to the dotted module
// path it stands for: "sp" -> "subprocess" for import subprocess as sp,
// "Popen" -> "subprocess.Popen" for from subprocess import Popen. Imports
// inside functions count too; aliases are rarely reused for other modules.
func imports(lines []logical) map[string]string {
	alias := map[string]string{}
	for _, l := range lines {
		t := l.toks
		switch {
		case len(t) > 1 && t[0].text == "import":
			for _, part := range splitComma(t[1:]) {
				mod, as := dotted(part)
				if as == "" {
					as = strings.SplitN(mod, ".", 2)[0]
					mod = as
				}
				alias[as] = mod
			}
		case len(t) > 3 && t[0].text == "from":
			mod, _ := dotted(t[1:])
			i := 1
			for i < len(t) && t[i].text != "import" {
				i++
			}
			if strings.HasPrefix(mod, ".") || i >= len(t) {
				continue
			}
			for _, part := range splitComma(t[i+1:]) {
				name, as := dotted(part)
				if name == "" || name == "*" {
					continue
				}
				if as == "" {
					as = name
				}
				alias[as] = mod + "." + name
			}
		}
	}
	return alias
}

// splitComma splits tokens at top-level commas, dropping brackets.
func splitComma(toks []token) [][]token {
	var out [][]token
	var cur []token
	for _, t := range toks {
		switch t.text {
		case ",":
			out = append(out, cur)
			cur = nil
		case "(", ")":
		default:
			cur = append(cur, t)
		}
	}
	return append(out, cur)
}

// dotted reads "a . b . c [as d]" from toks.
func dotted(toks []token) (name, as string) {
	var b strings.Builder
	for i, t := range toks {
		if t.text == "as" && i+1 < len(toks) {
			return b.String(), toks[i+1].text
		}
		if t.kind == tName || t.text == "." || t.text == "*" {
			b.WriteString(t.text)
		}
	}
	return b.String(), ""
}

// collect finds every call of the file with its scope, and the names
// assigned from decoding or downloading calls (tainted) or from strings
// put together at run time (built).
func collect(lines []logical, alias map[string]string) (calls []call, tainted, built map[string]bool) {
	type block struct {
		indent int
		name   string
	}
	var stack []block
	tainted, built = map[string]bool{}, map[string]bool{}
	for _, l := range lines {
		for len(stack) > 0 && stack[len(stack)-1].indent >= l.indent {
			stack = stack[:len(stack)-1]
		}
		def, scope := "", ""
		if len(stack) > 0 {
			def = stack[0].name
		}
		for _, sc := range stack {
			scope += "." + sc.name
		}
		lineCalls := callsIn(l.toks, alias, len(stack) == 0, def, scope)
		calls = append(calls, lineCalls...)
		taint(l.toks, lineCalls, tainted, scope)
		if i := assignment(l.toks); i > 0 && isBuilt(l.toks[i+1:], nil, "") {
			built[scope+"."+l.toks[i-1].text] = true
		}
		t := l.toks
		if len(t) > 1 && t[0].text == "async" {
			t = t[1:]
		}
		if len(t) > 1 && (t[0].text == "def" || t[0].text == "class") {
			stack = append(stack, block{l.indent, t[1].text})
		}
	}
	return calls, tainted, built
}

// assignment returns the index of the = of a simple assignment "name =",
// or -1.
func assignment(toks []token) int {
	if len(toks) > 2 && toks[0].kind == tName && toks[1].text == "=" && toks[2].text != "=" {
		return 1
	}
	return -1
}

// isBuilt reports whether an expression puts a string together at run
// time: concatenation, % formatting, an f-string, format() or join(), or a
// name assigned from such an expression in the same scope.
func isBuilt(toks []token, built map[string]bool, scope string) bool {
	str := false
	for _, t := range toks {
		switch {
		case t.kind == tString:
			str = true
			if p := t.text[:strings.IndexAny(t.text, "\"'")]; strings.ContainsAny(p, "fF") {
				return true
			}
		case t.kind == tName && (t.text == "format" || t.text == "join"):
			return true
		case t.kind == tName && built[scope+"."+t.text] && len(toks) == 1:
			return true
		}
	}
	if !str {
		return false
	}
	for _, t := range toks {
		if t.text == "+" || t.text == "%" {
			return true
		}
	}
	return false
}

// callsIn returns the calls of one logical line: a dotted name chain that
// does not follow a dot, followed by "(".
func callsIn(toks []token, alias map[string]string, module bool, def, scope string) []call {
	var out []call
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tName || i > 0 && (toks[i-1].text == "." || toks[i-1].text == "def" || toks[i-1].text == "class") {
			continue
		}
		j := i
		parts := []string{toks[i].text}
		for j+2 < len(toks) && toks[j+1].text == "." && toks[j+2].kind == tName {
			parts = append(parts, toks[j+2].text)
			j += 2
		}
		if j+1 >= len(toks) || toks[j+1].text != "(" {
			continue
		}
		if full, ok := alias[parts[0]]; ok {
			parts[0] = full
		}
		end := closing(toks, j+1)
		out = append(out, call{name: strings.Join(parts, "."), args: toks[j+2 : end], off: toks[i].off, module: module, def: def, scope: scope})
		if mod := importedBy(parts, toks[j+2:end]); mod != "" {
			// __import__("os").system(...): the call after the import.
			if k := end; k+3 < len(toks) && toks[k+1].text == "." && toks[k+2].kind == tName && toks[k+3].text == "(" {
				e := closing(toks, k+3)
				out = append(out, call{name: mod + "." + toks[k+2].text, args: toks[k+4 : e], off: toks[i].off, module: module, def: def, scope: scope})
			}
		}
	}
	return out
}

// importedBy returns the module a dynamic import call names with a string
// literal, __import__("os") or importlib.import_module("os"), or "".
func importedBy(callee []string, args []token) string {
	name := strings.Join(callee, ".")
	if name != "__import__" && name != "importlib.import_module" || len(args) == 0 || args[0].kind != tString {
		return ""
	}
	return literal(args[0])
}

// closing returns the index of the bracket closing the one at open, or
// len(toks) when it is not closed on this logical line.
func closing(toks []token, open int) int {
	depth := 0
	for k := open; k < len(toks); k++ {
		switch toks[k].text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return len(toks)
}

// taint marks the names a line assigns in scope (x = ..., with ... as x)
// when the line calls a decoder or a downloader.
func taint(toks []token, calls []call, tainted map[string]bool, scope string) {
	source := false
	for _, k := range calls {
		if isDecoder(k.name) || isFetch(k.name) {
			source = true
		}
	}
	if !source {
		return
	}
	for i, t := range toks {
		switch {
		case t.text == "=" && i > 0 && toks[i-1].kind == tName && (i+1 >= len(toks) || toks[i+1].text != "="):
			tainted[scope+"."+toks[i-1].text] = true
		case t.text == "as" && i+1 < len(toks) && toks[i+1].kind == tName:
			tainted[scope+"."+toks[i+1].text] = true
		}
	}
}

// decodes reports whether call arguments decode or download: a decoder or
// fetcher call among them, or a name assigned from one in the same scope.
func decodes(args []token, tainted map[string]bool, alias map[string]string, scope string) bool {
	for i, t := range args {
		if t.kind != tName {
			continue
		}
		if tainted[scope+"."+t.text] && (i == 0 || args[i-1].text != ".") {
			return true
		}
		// A decoder reached through an expression, as in
		// __import__("base64").b64decode(...).
		if decoderNames[t.text] && t.text != "loads" && i > 0 && args[i-1].text == "." {
			return true
		}
	}
	for _, k := range callsIn(args, alias, false, "", "") {
		if isDecoder(k.name) || isFetch(k.name) {
			return true
		}
	}
	return false
}

// literalOnly reports whether tokens are plain string literals (not
// f-strings) and nothing else.
func literalOnly(toks []token) bool {
	if len(toks) == 0 {
		return true
	}
	for _, t := range toks {
		if t.kind != tString || strings.ContainsAny(strings.ToLower(t.text[:strings.IndexAny(t.text, `"'`)]), "f") {
			return false
		}
	}
	return true
}

// firstArg returns the tokens of the first argument.
func firstArg(args []token) []token {
	depth := 0
	for i, t := range args {
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ",":
			if depth == 0 {
				return args[:i]
			}
		}
	}
	return args
}

func last(name string) string { return name[strings.LastIndexByte(name, '.')+1:] }

func isExec(name string) bool {
	switch name {
	case "exec", "eval", "compile", "builtins.exec", "builtins.eval", "__builtins__.exec", "__builtins__.eval":
		return true
	}
	return false
}

func isSubprocess(name string) bool {
	switch name {
	case "os.system", "os.popen", "os.startfile", "pty.spawn", "commands.getoutput", "commands.getstatusoutput",
		"asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell":
		return true
	}
	return strings.HasPrefix(name, "subprocess.") && name != "subprocess.DEVNULL" && name != "subprocess.PIPE" ||
		strings.HasPrefix(name, "os.exec") || strings.HasPrefix(name, "os.spawn") || strings.HasPrefix(name, "os.posix_spawn")
}

func isDNS(name string) bool {
	switch name {
	case "socket.gethostbyname", "socket.gethostbyname_ex", "socket.getaddrinfo",
		"dns.resolver.resolve", "dns.resolver.query", "dns.resolver.Resolver.resolve":
		return true
	}
	return false
}

var networkModules = []string{"socket.", "urllib.request.", "urllib2.", "requests.", "httpx.", "http.client.",
	"aiohttp.", "ftplib.", "smtplib.", "telnetlib.", "paramiko.", "websocket.", "websockets.", "urllib3.", "pycurl."}

func isNetwork(name string) bool {
	switch name {
	case "socket.socket", "socket.socketpair", "socket.has_ipv6", "socket.inet_pton", "socket.inet_ntop", "socket.gethostname", "socket.getfqdn", "socket.inet_aton", "socket.inet_ntoa", "socket.htons", "socket.ntohs":
		return false
	}
	if last(name) == "urlopen" {
		return true
	}
	for _, m := range networkModules {
		if strings.HasPrefix(name, m) {
			return true
		}
	}
	return false
}

// isTraffic reports a network call that sends or fetches something, as
// opposed to one that builds or configures a client.
func isTraffic(name string) bool {
	switch last(name) {
	case "urlopen", "urlretrieve", "get", "post", "put", "patch", "delete", "head", "request",
		"create_connection", "connect", "send", "sendall", "sendto", "Request", "HTTPConnection", "HTTPSConnection":
		return isNetwork(name)
	}
	return false
}

func isFetch(name string) bool {
	return fetchNames[last(name)] && isNetwork(name) || last(name) == "urlopen"
}

var fetchNames = map[string]bool{"urlopen": true, "get": true, "post": true, "request": true, "recv": true, "urlretrieve": true}

func isThread(name string) bool {
	switch name {
	case "threading.Thread", "threading.Timer", "_thread.start_new_thread", "thread.start_new_thread", "multiprocessing.Process":
		return true
	}
	return false
}

var decoderNames = map[string]bool{
	"b64decode": true, "b32decode": true, "b16decode": true, "a85decode": true, "b85decode": true,
	"decodebytes": true, "decodestring": true, "urlsafe_b64decode": true, "standard_b64decode": true,
	"decompress": true, "unhexlify": true, "a2b_base64": true, "a2b_hex": true, "fromhex": true,
	"loads": true,
}

func isDecoder(name string) bool {
	l := last(name)
	if l == "loads" {
		return strings.HasPrefix(name, "marshal.") || strings.HasPrefix(name, "pickle.")
	}
	return decoderNames[l] || name == "codecs.decode"
}

func isEncoder(name string) bool {
	switch last(name) {
	case "hexlify", "b64encode", "b32encode", "b16encode", "urlsafe_b64encode", "encodebytes", "b2a_hex", "b2a_base64":
		return true
	}
	return false
}
