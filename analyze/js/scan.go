package js

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/tdewolff/parse/v2/js"
	"github.com/vigilsec/vigil/report"
)

// scan walks the tokens once and applies the rules that look at one
// construct at a time: module imports, calls, strings, process.env.
func (f *file) scan() {
	cp := map[string]bool{} // names bound to require("child_process")
	hasCP := false
	for i := range f.toks {
		switch t := f.toks[i].t; {
		case t == js.StringToken || t == js.TemplateToken:
			f.literal(i)
		case t == js.TemplateStartToken || t == js.TemplateMiddleToken || t == js.TemplateEndToken:
			f.places(i, f.templatePiece(i))
		case t == js.ImportToken:
			f.importStmt(i, cp, &hasCP)
		case t == js.NewToken:
			f.newExpr(i)
		case t == js.IdentifierToken || js.IsIdentifier(t):
			f.ident(i, cp, &hasCP)
		}
	}
}

// ident applies the rules keyed on an identifier.
func (f *file) ident(i int, cp map[string]bool, hasCP *bool) {
	name := f.text(i)
	call := f.is(i+1, "(")
	if len(f.netNames) > 0 && f.netNames[string(name)] && !f.member(i) {
		f.netUse(i)
	}
	switch string(name) {
	case "require":
		if call && !f.member(i) && f.typ(i-1) != js.FunctionToken {
			f.require(i, cp, hasCP)
		}
	case "eval":
		switch {
		case call && (!f.member(i) || f.globalObject(i-2)):
			f.dynamicCall(i, i+1, "eval")
		case f.is(i-1, ",") && f.is(i+1, ")") && f.is(i+2, "("): // (0, eval)(code)
			f.dynamicCall(i, i+2, "eval")
		case !f.member(i) && (f.is(i-1, "(") || f.is(i-1, ",")) && (f.is(i+1, ")") || f.is(i+1, ",")):
			// .then(eval): eval handed over to run whatever comes.
			f.dynamicValue(i, "eval")
		}
	case "Function":
		if call && !f.member(i) || call && f.globalObject(i-2) {
			label := "Function"
			if f.typ(i-1) == js.NewToken {
				label = "new Function"
			}
			f.dynamicCall(i, i+1, label)
		}
	case "runInNewContext", "runInThisContext", "runInContext", "compileFunction":
		if call && f.member(i) {
			f.dynamicCall(i, i+1, "vm."+string(name))
		}
	case "_compile":
		if call && f.member(i) {
			f.dynamicCall(i, i+1, "Module._compile")
		}
	case "exec", "execSync", "execFile", "execFileSync", "spawn", "spawnSync", "fork":
		if !call || !*hasCP {
			return
		}
		// exec is also RegExp.prototype.exec: count it only when bare or
		// on a name bound to child_process.
		if string(name) == "exec" && f.member(i) && !cp[string(f.text(i-2))] && !f.requiredCP(i-2) {
			return
		}
		f.execCall(i, string(name))
	case "getExecOutput", "execa", "execaSync", "execaCommand", "execaCommandSync":
		if call {
			f.execCall(i, string(name))
		}
	case "fetch":
		if call && (!f.member(i) || f.globalObject(i-2)) {
			f.netUse(i)
			mark(&f.network, f.add(RuleNetwork, report.Low, f.off(i), "fetch()", "calls fetch(): the file reaches the network"))
		}
	case "sendBeacon":
		if call && f.member(i) {
			mark(&f.network, f.add(RuleNetwork, report.Low, f.off(i), "navigator.sendBeacon()", "calls navigator.sendBeacon(): the file sends data to the network"))
		}
	case "atob":
		if call && f.isStr(i+2) {
			f.blob(i+2, "atob")
		}
	case "from":
		if call && f.is(i-2, "Buffer") && f.member(i) {
			if f.isStr(i + 2) {
				f.blob(i+2, "Buffer.from")
			} else if f.is(i+2, "[") {
				f.charCodes(i, "Buffer.from")
			}
		}
	case "update":
		if call && f.member(i) && f.isStr(i+2) {
			f.blob(i+2, "decipher.update")
		}
	case "createDecipher", "createDecipheriv":
		// Honest code decrypts too (electron-store): this counts towards
		// the combinations only next to dynamic code.
		f.decipherAt = append(f.decipherAt[:min(len(f.decipherAt), 999)], i)
		f.add(RuleEncodedBlob, report.Medium, f.off(i), string(name),
			"decrypts data with crypto."+string(name)+": what it decrypts cannot be reviewed")
	case "constructor":
		// [].constructor.constructor(code) is Function by another name.
		if call && f.member(i) && f.is(i-2, "constructor") {
			f.dynamicCall(i, i+1, "constructor.constructor")
		}
	case "fromCharCode":
		if call && f.member(i) {
			f.charCodes(i, "String.fromCharCode")
		}
	case "process":
		if f.is(i+1, ".") && f.is(i+2, "env") && !f.member(i) {
			f.processEnv(i)
		}
	case "createElement":
		// A script element added at run time loads code the package does
		// not ship (the Ledger connect-kit drainer loaded itself so).
		if call && f.member(i) && f.isStr(i+2) && f.is(i+3, ")") {
			if tag, _ := unquote(f.text(i + 2)); strings.EqualFold(tag, "script") {
				f.add(RuleScriptInject, report.Medium, f.off(i), `createElement("script")`,
					"adds a script element to the page at run time: the code it loads is not in the release")
			}
		}
	case "XMLHttpRequest":
		if f.is(i+1, ".") && f.is(i+2, "prototype") && f.is(i+3, ".") && (f.is(i+4, "open") || f.is(i+4, "send")) && f.typ(i+5) == js.EqToken {
			mark(&f.hook, f.add(RuleHook, report.Medium, f.off(i), "XMLHttpRequest.prototype."+string(f.text(i+4))+" =",
				"replaces XMLHttpRequest.prototype."+string(f.text(i+4))+": every request the page makes passes through this code"))
		}
	case "window", "globalThis", "self", "global":
		if !f.is(i+1, ".") || f.member(i) {
			return
		}
		switch prop := string(f.text(i + 2)); {
		case prop == "fetch" && f.typ(i+3) == js.EqToken:
			mark(&f.hook, f.add(RuleHook, report.Medium, f.off(i), string(name)+".fetch =",
				"replaces "+string(name)+".fetch: every response the page reads passes through this code"))
		case prop == "ethereum" || prop == "solana" || prop == "phantom":
			mark(&f.wallet, f.add(RuleHook, report.Medium, f.off(i), "window."+prop,
				"reaches the injected wallet provider window."+prop+", which signs transactions"))
		}
	}
}

// requiredCP reports whether the ")" at token i closes
// require("child_process"), as in require("child_process").exec(cmd).
func (f *file) requiredCP(i int) bool {
	return f.is(i, ")") && f.isStr(i-1) && f.is(i-2, "(") && f.is(i-3, "require") &&
		strings.TrimPrefix(f.str(i-1), "node:") == "child_process"
}

// globalObject reports whether token i names the global object, as in
// window.eval or globalThis.Function.
func (f *file) globalObject(i int) bool {
	switch string(f.text(i)) {
	case "window", "globalThis", "global", "self":
		return !f.member(i)
	}
	return false
}

func (f *file) off(i int) int { return int(f.toks[i].s) }

// require handles require(...) at token i.
func (f *file) require(i int, cp map[string]bool, hasCP *bool) {
	if f.isStr(i+2) && f.is(i+3, ")") {
		f.module(i, f.str(i+2), cp, hasCP)
		return
	}
	from, to := f.args(i + 1)
	if to < 0 || to == from || f.literalArgs(from, to) {
		return
	}
	f.add(RuleDynamicRequire, report.Low, f.off(i), "require(<computed>)",
		"require() of a path computed at run time: the module loaded is not visible in the file")
}

// importStmt handles import ... from "m", import "m" and import("m").
func (f *file) importStmt(i int, cp map[string]bool, hasCP *bool) {
	if f.is(i+1, "(") {
		if f.isStr(i+2) && f.is(i+3, ")") {
			f.module(i, f.str(i+2), cp, hasCP)
		} else if from, to := f.args(i + 1); to > from && !f.literalArgs(from, to) {
			f.add(RuleDynamicRequire, report.Low, f.off(i), "import(<computed>)",
				"import() of a path computed at run time: the module loaded is not visible in the file")
		}
		return
	}
	if f.member(i) { // import.meta
		return
	}
	for j := i + 1; j < len(f.toks) && j < i+64; j++ {
		if f.isStr(j) {
			f.module(i, f.str(j), cp, hasCP)
			// import * as cp from / import cp from
			if f.is(j-1, "from") && f.isIdent(j-2) {
				cp[string(f.text(j-2))] = cp[string(f.text(j-2))] || strings.TrimPrefix(f.str(j), "node:") == "child_process"
			}
			return
		}
		if f.is(j, ";") {
			return
		}
	}
}

// module records a module the file loads, at token i.
func (f *file) module(i int, name string, cp map[string]bool, hasCP *bool) {
	name = strings.TrimPrefix(name, "node:")
	match := fmt.Sprintf("require(%q)", name)
	switch {
	case name == "child_process":
		*hasCP = true
		mark(&f.exec, f.add(RuleChildProcess, report.Medium, f.off(i), match, "loads child_process: the file can start other programs"))
		// x = require("child_process") or x = wrap(require("child_process"))
		if f.is(i-1, "=") && f.isIdent(i-2) {
			cp[string(f.text(i-2))] = true
		} else if f.is(i-1, "(") && f.is(i-3, "=") && f.isIdent(i-4) {
			cp[string(f.text(i-4))] = true
		}
	case networkModules[name]:
		f.netUse(i)
		if f.is(i-1, "=") && f.isIdent(i-2) {
			f.netNames[string(f.text(i-2))] = true
		} else if f.is(i-1, "(") && f.is(i-3, "=") && f.isIdent(i-4) {
			f.netNames[string(f.text(i-4))] = true
		}
		mark(&f.network, f.add(RuleNetwork, report.Low, f.off(i), match, "loads "+name+": the file reaches the network"))
	}
}

// newExpr handles new XMLHttpRequest, new WebSocket and new vm.Script.
func (f *file) newExpr(i int) {
	switch string(f.text(i + 1)) {
	case "XMLHttpRequest", "WebSocket", "EventSource":
		n := string(f.text(i + 1))
		f.netUse(i)
		mark(&f.network, f.add(RuleNetwork, report.Low, f.off(i), "new "+n, "creates a "+n+": the file reaches the network"))
	case "vm":
		if f.is(i+2, ".") && f.is(i+3, "Script") && f.is(i+4, "(") {
			f.dynamicCall(i, i+4, "new vm.Script")
		}
	}
}

// dynamicCall reports code execution at token i whose arguments open at
// token open. Literal arguments are code fixed in the file, such as the
// Function("return this") shim every bundler emits, and are not reported.
func (f *file) dynamicCall(i, open int, label string) {
	from, to := f.args(open)
	if f.signature(i, from) {
		return
	}
	if f.literalArgs(from, to) {
		f.literalCode(i, from, to, label)
		return
	}
	if label == "eval" && f.typ(from) == js.FunctionToken && f.packer(from) {
		// The eval is the packer's own; the hiding is what counts.
		mark(&f.obfuscated, f.add(RuleObfuscator, report.High, f.off(i), "packer: eval(function(p,a,c,k,e,…))",
			"packed code (eval(function(p,a,c,k,e,...))): the source is unpacked and run at load time"))
		if src := f.unpack(from); src != "" {
			f.nested(src, f.off(i))
		}
		return
	}
	level, why := report.Medium, ""
	if to > 0 && f.decodes(from, to) {
		level, why = report.High, " of data it decodes in place"
	}
	idx := f.add(RuleDynamicCode, level, f.off(i), label+"(<computed>)",
		label+" runs code built at run time"+why+": what runs is not in the release")
	mark(&f.dynamic, idx)
	if len(f.dynAt) < 1000 {
		f.dynAt = append(f.dynAt, i)
	}
}

// packer reports whether the function at token i has the parameters of
// Dean Edwards' packer: function(p,a,c,k,e,d) or (p,a,c,k,e,r).
func (f *file) packer(i int) bool {
	for k, p := range []string{"(", "p", ",", "a", ",", "c", ",", "k", ",", "e"} {
		if !f.is(i+1+k, p) {
			return false
		}
	}
	return true
}

// dynamicValue reports eval passed as a function, as in
// fetch(u).then(r => r.text()).then(eval): it runs whatever it is given.
func (f *file) dynamicValue(i int, label string) {
	mark(&f.dynamic, f.add(RuleDynamicCode, report.Medium, f.off(i), label+"(<computed>)",
		label+" is passed as a callback and runs whatever it is given: what runs is not in the release"))
	if len(f.dynAt) < 1000 {
		f.dynAt = append(f.dynAt, i)
	}
}

// netUse records a network use at token i.
func (f *file) netUse(i int) {
	if n := len(f.netAt); n < 100_000 && (n == 0 || f.netAt[n-1] != i) {
		f.netAt = append(f.netAt, i)
	}
}

// signature reports whether the name at token i, with parameters from
// token from, is declared rather than called: function eval(x) {...} or
// TypeScript's eval(x: string): any.
func (f *file) signature(i, from int) bool {
	return f.typ(i-1) == js.FunctionToken || f.isIdent(from) && (f.is(from+1, ":") || f.is(from+1, "?") && f.is(from+2, ":"))
}

// decodes reports whether the tokens [from, to) decode or decrypt data.
func (f *file) decodes(from, to int) bool {
	for j := from; j < to && j < from+maxArgTokens; j++ {
		switch string(f.text(j)) {
		case "atob", "fromCharCode", "createDecipher", "createDecipheriv", "decipher":
			return true
		case "from":
			if f.is(j-2, "Buffer") {
				return true
			}
		}
	}
	return false
}

// execCall reports a call that starts a program, with its literal
// command line, and inspects that command line as shell.
func (f *file) execCall(i int, name string) {
	from, to := f.args(i + 1)
	if f.signature(i, from) {
		return
	}
	if to < 0 {
		to = min(from+maxArgTokens, len(f.toks))
	}
	cmd, at := f.literals(from, f.options(from, to))
	match := name + "(…)"
	if cmd != "" {
		match = name + ": " + base64Run.ReplaceAllString(cmd, "<base64>")
	}
	mark(&f.exec, f.add(RuleExec, report.Medium, f.off(i), match, "starts a program with "+name+"()"))
	if f.detachedHidden(from, to) {
		// A hidden, detached shell is a dropper's hallmark; an updater
		// starts its installer, not cmd.exe.
		level, what := report.Medium, "a detached process"
		if shellName.MatchString(cmd) {
			level, what = report.High, "a detached shell"
		}
		mark(&f.exec, f.add(RuleHiddenProcess, level, f.off(i), name+": detached, windowsHide",
			"starts "+what+" with no window, which outlives its parent unseen"))
	}
	if cmd != "" {
		f.command(cmd, f.off(at))
	}
	f.decodedCommand(i, name, from, to)
}

// decodedCommand reports a command that is decoded in the call's own
// arguments, as in execSync(Buffer.from("Y3VybC...", "base64").toString()),
// and inspects the decoded text.
func (f *file) decodedCommand(i int, name string, from, to int) {
	if !f.decodes(from, to) {
		return
	}
	idx := f.add(RuleShellDecode, report.High, f.off(i), name+"(<decoded>)",
		name+"() runs a command the file decodes first: what runs is not readable in the release")
	mark(&f.decode, idx)
	for j := from; j < to && j < from+maxArgTokens; j++ {
		if !f.isStr(j) || len(f.text(j)) < 10 {
			continue
		}
		texts, _ := decodings(f.str(j))
		for _, t := range texts {
			f.command(t, f.off(j))
		}
	}
}

// secretName matches environment variable names that hold secrets.
var secretName = regexp.MustCompile(`(?i)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|_AUTH)`)

// shellName matches a command line that starts a shell interpreter.
var shellName = regexp.MustCompile(`(?i)^\s*(\S*[/\\])?(cmd(\.exe)?|powershell(\.exe)?|pwsh(\.exe)?|(ba|z|da)?sh|wscript(\.exe)?|cscript(\.exe)?|mshta(\.exe)?)(\s|$)`)

// options returns where the options object starts in the arguments
// [from, to), or to: the command line is what comes before it.
func (f *file) options(from, to int) int {
	depth := 0
	for j := from; j < to && j < from+maxArgTokens; j++ {
		switch f.toks[j].t {
		case js.OpenBraceToken:
			if depth == 0 {
				return j
			}
			depth++
		case js.OpenParenToken, js.OpenBracketToken, js.TemplateStartToken:
			depth++
		case js.CloseParenToken, js.CloseBracketToken, js.CloseBraceToken, js.TemplateEndToken:
			depth--
		}
	}
	return to
}

// detachedHidden reports whether the options in [from, to) ask for a
// detached child without a window.
func (f *file) detachedHidden(from, to int) bool {
	detached, hidden := false, false
	for j := from; j < to && j < from+maxArgTokens; j++ {
		if f.is(j+1, ":") && (f.typ(j+2) == js.TrueToken || f.is(j+2, "!") && f.is(j+3, "0")) {
			switch string(f.text(j)) {
			case "detached":
				detached = true
			case "windowsHide":
				hidden = true
			}
		}
	}
	return detached && hidden
}

// processEnv handles process.env at token i: a wholesale read is
// reported, a read of one named variable is not.
func (f *file) processEnv(i int) {
	if f.is(i+3, ".") || f.is(i+3, "?.") || f.is(i+3, "[") {
		name := string(f.text(i + 4))
		if f.is(i+3, "[") && f.isStr(i+4) {
			name = f.str(i + 4)
		}
		if secretName.MatchString(name) {
			f.add(RuleEnvSecret, report.Low, f.off(i), "process.env."+name,
				"reads the secret environment variable "+name)
		}
		return
	}
	var how string
	switch {
	case f.is(i-1, "(") && f.is(i-2, "stringify") && f.is(i-4, "JSON"):
		how = "JSON.stringify(process.env)"
	case f.is(i-1, "(") && f.is(i-4, "Object") && (f.is(i-2, "entries") || f.is(i-2, "keys") || f.is(i-2, "values")):
		how = "Object." + string(f.text(i-2)) + "(process.env)"
	case f.typ(i-1) == js.InToken || f.typ(i-1) == js.OfToken:
		how = "for (… in process.env)"
	default:
		return
	}
	if how == "JSON.stringify(process.env)" {
		f.envSent = i // serialised: made to be sent or stored
	}
	f.envAt = append(f.envAt[:min(len(f.envAt), 999)], i)
	mark(&f.envDump, f.add(RuleEnvDump, report.Medium, f.off(i), how,
		how+" reads every environment variable, secrets included"))
}
