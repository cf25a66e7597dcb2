package shell

import (
	"path"
	"regexp"
	"strings"
)

// A pipeline is one command of a command list: stages joined by |.
type pipeline struct {
	stages   []stage
	silenced bool // followed by || true or || :
}

// A stage is one command of a pipeline, as written, at offset off in its
// logical line.
type stage struct {
	text string
	off  int
}

// pipelines splits a logical line into pipelines at ; && || & and at the
// brackets of subshells and command substitutions. It does not honour
// quotes on purpose: a pipeline inside quotes is usually handed to eval,
// sh -c or bash -c, and is code all the same.
func pipelines(line string) []pipeline {
	var out []pipeline
	var cur pipeline
	start := 0
	flushStage := func(end int) {
		if t := strings.TrimSpace(line[start:end]); t != "" {
			cur.stages = append(cur.stages, stage{text: t, off: start + strings.Index(line[start:end], t)})
		}
	}
	flush := func(end int) {
		flushStage(end)
		if len(cur.stages) > 0 {
			out = append(out, cur)
		}
		cur = pipeline{}
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '$' && i+1 < len(line) && line[i+1] == '{':
			if j := strings.IndexByte(line[i:], '}'); j > 0 {
				i += j
			}
		case c == '|' && i+1 < len(line) && line[i+1] == '|':
			flush(i)
			rest := strings.TrimSpace(line[i+2:])
			if strings.HasPrefix(rest, "true") || strings.HasPrefix(rest, ":") {
				if n := len(out); n > 0 {
					out[n-1].silenced = true
				}
			}
			i++
			start = i + 1
		case c == '|':
			flushStage(i)
			if i+1 < len(line) && line[i+1] == '&' {
				i++
			}
			start = i + 1
		case c == '&':
			if i > 0 && (line[i-1] == '>' || line[i-1] == '<') || i+1 < len(line) && line[i+1] == '>' {
				continue
			}
			flush(i)
			if i+1 < len(line) && line[i+1] == '&' {
				i++
			}
			start = i + 1
		case c == ';' || c == '(' || c == ')' || c == '`' || c == '[' || c == ']' || c == '{' || c == '}':
			flush(i)
			start = i + 1
		}
	}
	flush(len(line))
	return out
}

// words splits the stage into words as a shell would, honouring quotes
// and removing them. An assignment of a quoted command (m='tr a b') is
// read as that command.
func (s stage) words() []string {
	t := s.text
	if m := quotedAssignment.FindStringIndex(t); m != nil {
		t = strings.TrimSuffix(t[m[1]:], t[m[1]-1:m[1]])
	}
	var out []string
	var w strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			w.WriteByte(c)
		case c == '"' || c == '\'':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				out = append(out, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteByte(c)
			in = true
		}
	}
	switch {
	case quote != 0:
		// An unclosed quote: the stage was cut out of a longer quoted
		// command (node -e "exec('curl x | sh')"), so its words are the
		// blank-separated rest.
		out = append(out, strings.Fields(w.String())...)
	case in:
		out = append(out, w.String())
	}
	return out
}

var quotedAssignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_\[\]$]*=['"]`)

// wrappers run the command that follows them.
var wrappers = setOf("sudo", "doas", "env", "exec", "nohup", "command", "time", "nice", "call", "&", "!", "builtin", "setsid")

// cmd returns the command the stage runs, lower-cased, without its
// directory and .exe: "curl" for `sudo -E /usr/bin/curl -fsSL ...`.
func (s stage) cmd() string {
	words := s.words()
	i := s.cmdIndex(words)
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(path.Base(strings.ToLower(strings.ReplaceAll(words[i], `\`, "/"))), ".exe")
}

// cmdIndex returns the index in words of the command the stage runs, past
// assignments and wrappers like sudo, env and start /b; -1 if none.
func (s stage) cmdIndex(words []string) int {
	for i := 0; i < len(words); i++ {
		lw := strings.ToLower(words[i])
		switch {
		case wrappers[lw]:
			for i+1 < len(words) && strings.HasPrefix(words[i+1], "-") {
				i++
			}
		case lw == "start":
			// start ["title"] [/b] [/min] program
			for i+1 < len(words) && (strings.HasPrefix(words[i+1], "/") && len(words[i+1]) <= 4 || words[i+1] == "") {
				i++
			}
		case isAssignment(words[i]):
		default:
			return i
		}
	}
	return -1
}

// args returns the words after the command.
func (s stage) args() []string {
	words := s.words()
	i := s.cmdIndex(words)
	if i < 0 {
		return nil
	}
	return words[i+1:]
}

func isAssignment(w string) bool {
	i := strings.IndexByte(w, '=')
	if i <= 0 {
		return false
	}
	for _, c := range w[:i] {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

var downloaders = setOf("curl", "wget", "iwr", "irm", "invoke-webrequest", "invoke-restmethod", "aria2c", "fetch", "bitsadmin", "certutil", "start-bitstransfer")

var interpreters = setOf("sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "python", "python2", "python3", "perl", "ruby", "node", "php",
	"iex", "invoke-expression", "$shell", "${shell}", "$config_shell", "pwsh", "powershell", "source", ".")

// readsStdin reports whether an interpreter stage runs the program on its
// standard input: bash -s and a bare sh do, python3 -m json.tool, perl -ne
// '...' and node script.js read that input as data.
func readsStdin(st stage) bool {
	flags := "c" // the flag letters that take the program as an argument
	switch c := st.cmd(); {
	case c == "iex" || c == "invoke-expression":
		return true
	case strings.HasPrefix(c, "python"):
		flags = "cm"
	case c == "perl" || c == "ruby":
		flags = "eE"
	case c == "node":
		flags = "ep"
	case c == "php":
		flags = "rf"
	case c == "pwsh" || c == "powershell":
		flags = "cfeCFE"
	}
	for _, a := range st.args() {
		switch {
		case a == "-" || a == "-s" || a == "--":
			return true
		case strings.HasPrefix(a, ">") || strings.HasPrefix(a, "<") || len(a) > 1 && a[0] >= '0' && a[0] <= '9' && (a[1] == '>' || a[1] == '<'):
			// a redirection
		case strings.HasPrefix(a, "-"):
			if strings.ContainsAny(strings.TrimLeft(a, "-"), flags) && !strings.HasPrefix(a, "--") {
				return false // the program is in the arguments
			}
		default:
			return false // a script file
		}
	}
	return true
}

// execVerbs run the file named in their arguments.
var execVerbs = setOf("sh", "bash", "zsh", "dash", "ksh", "python", "python3", "perl", "ruby", "node", "php", "source", ".",
	"exec", "regsvr32", "rundll32", "msiexec", "start-process", "invoke-item", "cmd", "wscript", "cscript", "mshta",
	"powershell", "pwsh", "open", "xdg-open")

// decoders turn encoded or compressed bytes back into data. Most need a
// decompress flag; the rest decode by name.
var decodeByName = setOf("unxz", "xzcat", "lzcat", "gunzip", "zcat", "bunzip2", "bzcat", "unzstd", "zstdcat", "uudecode", "unlzma")
var decodeWithFlag = setOf("base64", "xz", "gzip", "bzip2", "lzma", "zstd", "openssl", "xxd", "base32", "basenc")

func isDecoder(st stage) bool {
	c := st.cmd()
	if decodeByName[c] {
		return true
	}
	if (c == "printf" || c == "echo") && (strings.Contains(st.text, `\x`) || strings.Contains(st.text, `\0`)) {
		return true // bytes spelled as escapes
	}
	if !decodeWithFlag[c] {
		return false
	}
	for _, a := range st.args() {
		switch {
		case a == "-r" && c == "xxd", a == "--decode", a == "--decompress", a == "-D" && c == "base64":
			return true
		case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.ContainsRune(a, 'd'):
			return true
		}
	}
	return false
}

var outputFlag = regexp.MustCompile(`(?i)(?:^|\s)(?:-o|-O|--output|--output-document|-OutFile|-outf\w*|-Destination)(?:=|\s+)["']?([^\s"';|&<>]+)`)
var downloadFile = regexp.MustCompile(`(?i)\.downloadfile\(\s*["']?[^,]+,\s*["']?([^"')]+)`)
var redirect = regexp.MustCompile(`(?:^|[^0-9&<>])>\s*["']?([^\s"';|&<>]+)`)

// curlOutput reads curl's output file from its arguments: -o FILE (also
// at the end of combined flags, -sSLo FILE), --output FILE, or the URL's
// last path element for -O and --remote-name.
func curlOutput(args []string) string {
	remote := false
	url := ""
	for i, a := range args {
		switch {
		case a == "--output" || strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.HasSuffix(a, "o"):
			if i+1 < len(args) {
				return args[i+1]
			}
		case strings.HasPrefix(a, "--output="):
			return strings.TrimPrefix(a, "--output=")
		case a == "--remote-name" || strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "O"):
			remote = true
		case strings.Contains(a, "://"):
			url = a
		}
	}
	if remote && url != "" {
		return path.Base(url)
	}
	return ""
}

// outputOf returns the file a download writes, or "" for stdout.
func outputOf(st stage) string {
	c, args := st.cmd(), st.args()
	t := ""
	if c == "curl" {
		t = curlOutput(args)
	}
	if m := outputFlag.FindStringSubmatch(st.text); t == "" && m != nil {
		t = m[1]
	}
	if t == "" {
		t = redirectOf(st)
	}
	switch {
	case t != "":
	case (c == "certutil" || c == "bitsadmin") && len(args) >= 2:
		t = args[len(args)-1]
	case c == "wget" && len(args) > 0 && strings.Contains(args[len(args)-1], "://"):
		// wget without -O saves under the URL's last path element.
		t = path.Base(args[len(args)-1])
	}
	if t == "-" || t == "/dev/null" || t == "nul" || strings.Contains(t, "://") {
		return ""
	}
	return t
}

// redirectOf returns the file a stage's output is redirected to.
func redirectOf(st stage) string {
	if m := redirect.FindStringSubmatch(st.text); m != nil && m[1] != "/dev/null" && !strings.EqualFold(m[1], "nul") {
		return m[1]
	}
	if st.cmd() == "base64" || st.cmd() == "certutil" {
		if m := outputFlag.FindStringSubmatch(st.text); m != nil {
			return m[1]
		}
		if args := st.args(); st.cmd() == "certutil" && len(args) >= 3 {
			return args[len(args)-1]
		}
	}
	return ""
}

// sameFile reports whether word names target: the same text, or the same
// base name once ./ and a variable's $ are dropped.
func sameFile(word, target string) bool {
	norm := func(s string) string {
		s = strings.Trim(s, `"'();&`)
		s = strings.TrimPrefix(strings.TrimPrefix(s, "./"), `.\`)
		s = strings.ReplaceAll(s, "${", "$")
		s = strings.ReplaceAll(s, "}", "")
		return s
	}
	w, t := norm(word), norm(target)
	if w == "" || t == "" {
		return false
	}
	return w == t || path.Base(w) == path.Base(t) && len(path.Base(t)) > 2 && !strings.HasPrefix(path.Base(t), "$")
}

func makesExecutable(words []string) bool {
	for _, w := range words[1:] {
		if strings.Contains(w, "+x") || strings.Contains(w, "+rwx") || len(w) >= 3 && strings.Trim(w, "01234567") == "" && strings.ContainsAny(w[len(w)-3:], "1357") {
			return true
		}
	}
	return false
}

// isSwap reports whether tr's two sets hold the same characters in another
// order: tr ' \t_-' '\t _-' swaps, tr a-z A-Z does not.
func isSwap(args []string) bool {
	var sets []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			sets = append(sets, unescape(a))
		}
	}
	if len(sets) != 2 || len(sets[0]) < 2 || sets[0] == sets[1] || len(sets[0]) != len(sets[1]) {
		return false
	}
	count := map[rune]int{}
	for _, r := range sets[0] {
		count[r]++
	}
	for _, r := range sets[1] {
		count[r]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}

func unescape(s string) string {
	r := strings.NewReplacer(`\t`, "\t", `\n`, "\n", `\-`, "-", `\\`, `\`, `\r`, "\r")
	return r.Replace(s)
}

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
