// Package elfmacho analyzes ELF (Linux, BSD) and Mach-O (macOS) executables
// and libraries: the functions they import, the libraries they need,
// writable-and-executable segments, packers, code signatures and the
// endpoints and commands in their strings.
package elfmacho

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/vigilsec/vigil/analyze/binary"
	"github.com/vigilsec/vigil/report"
)

// Rule suffixes shared by both formats; the full ID is "elf." or "macho."
// plus the suffix.
const (
	Malformed   = "malformed"
	Network     = "network-imports"
	Exec        = "exec-imports"
	Ptrace      = "ptrace"
	DynLoad     = "dlopen"
	Fileless    = "fileless-exec"
	RemoteShell = "remote-shell"
	WX          = "wx-segment"
	Packed      = "packed"
	Static      = "static"
	Unsigned    = "unsigned"
	LibPath     = "library-path"
)

// class is what an imported function lets a program do.
type class int

const (
	cNetwork class = iota
	cExec
	cPtrace
	cDynLoad
	cMemfd
	numClasses
)

// importClasses maps C library function names to what they do.
var importClasses = map[string]class{
	"socket": cNetwork, "connect": cNetwork, "getaddrinfo": cNetwork, "gethostbyname": cNetwork,
	"sendto": cNetwork, "recvfrom": cNetwork, "bind": cNetwork, "listen": cNetwork, "accept": cNetwork,

	"execve": cExec, "execv": cExec, "execvp": cExec, "execvpe": cExec, "execl": cExec, "execlp": cExec,
	"execle": cExec, "system": cExec, "popen": cExec, "posix_spawn": cExec, "posix_spawnp": cExec,
	"fexecve": cExec, "execveat": cExec,

	"ptrace":       cPtrace,
	"dlopen":       cDynLoad,
	"memfd_create": cMemfd,
}

// native is what both formats yield for judging.
type native struct {
	prefix  string
	imports []string // function names, sorted, unique, without leading "_"
	libs    []string // needed libraries
	wx      []string // writable and executable segments, by name
	data    []byte
	packed  string // packer signature found, if any
}

// smallBinary mirrors the PE rule: combinations count in tools with
// few imports, not in applications and runtimes with hundreds.
const smallBinary = 150

var classRules = [numClasses]struct {
	suffix string
	level  report.Level
	what   string
}{
	cNetwork: {Network, report.Low, "opens network connections"},
	cExec:    {Exec, report.Low, "starts other programs"},
	cPtrace:  {Ptrace, report.Low, "can trace or inject into other processes (ptrace)"},
	cDynLoad: {DynLoad, report.Low, "loads libraries at run time (dlopen)"},
	cMemfd:   {Fileless, report.Low, "can create anonymous in-memory files (memfd_create)"},
}

func (n *native) findings() []report.Finding {
	var out []report.Finding
	var byClass [numClasses][]string
	for _, imp := range n.imports {
		if c, ok := importClasses[imp]; ok {
			byClass[c] = append(byClass[c], imp)
		}
	}
	for c, imps := range byClass {
		r := classRules[c]
		for _, imp := range imps {
			out = append(out, report.Finding{Rule: n.prefix + "." + r.suffix, Level: r.level,
				Message: fmt.Sprintf("imports %s: the program %s", imp, r.what),
				Offset:  n.offset(imp), Match: imp})
		}
	}
	strs := binary.Strings(n.data)
	sf := binary.StringFindings(n.prefix, strs)
	out = append(out, sf...)
	small := len(n.imports) < smallBinary
	if sh, off := n.reverseShell(byClass, strs); sh != "" {
		// Honest tools (sulogin, strace) share the imports; what they do
		// not have is a server address written into the program.
		level := report.Medium
		if hardcodedEndpoint(n.prefix, sf) {
			level = report.High
		}
		out = append(out, report.Finding{Rule: n.prefix + "." + RemoteShell, Level: level,
			Message: fmt.Sprintf("a small program that connects out (connect), redirects descriptors (%s), starts programs (%s) and names the shell %s: the shape of a reverse shell", has(n.imports, "dup2", "dup3"), byClass[cExec][0], sh),
			Offset:  off, Match: "connect + " + byClass[cExec][0] + " + " + sh})
	}
	if memfd, exec := byClass[cMemfd], byClass[cExec]; len(memfd) > 0 && len(exec) > 0 {
		level := report.Medium
		if len(byClass[cNetwork]) > 0 && small {
			level = report.High
		}
		out = append(out, report.Finding{Rule: n.prefix + "." + Fileless, Level: level,
			Message: fmt.Sprintf("creates an in-memory file (%s) and executes programs (%s): the way fileless malware runs a downloaded payload", memfd[0], exec[0]),
			Offset:  n.offset(memfd[0]), Match: memfd[0] + " + " + exec[0]})
	}
	for _, lib := range n.libs {
		if odd := oddLibrary(lib); odd != "" {
			out = append(out, report.Finding{Rule: n.prefix + "." + LibPath, Level: report.Medium,
				Message: fmt.Sprintf("links the library %s, %s: a place attackers plant libraries", lib, odd),
				Offset:  n.offset(lib), Match: report.Snippet(lib)})
		}
	}
	for _, seg := range n.wx {
		out = append(out, report.Finding{Rule: n.prefix + "." + WX, Level: report.Medium,
			Message: fmt.Sprintf("segment %s is both writable and executable; compilers do not emit that, packers and loaders do", seg),
			Match:   report.Snippet(seg + " W+X")})
	}
	if n.packed != "" {
		out = append(out, report.Finding{Rule: n.prefix + "." + Packed, Level: report.Medium,
			Message: "the program is packed with " + n.packed + ": its real code is compressed and hidden from review",
			Offset:  int64(bytes.Index(n.data, []byte(n.packed))), Match: n.packed})
	}
	report.SortFindings(out)
	return out
}

// reverseShell returns the shell a small program would hand its socket
// to: it must import connect, dup2 or dup3 and an exec function, and name
// a shell. The offset is that of the shell's name.
func (n *native) reverseShell(byClass [numClasses][]string, strs []binary.String) (string, int64) {
	if len(n.imports) >= smallBinary || len(byClass[cExec]) == 0 || has(n.imports, "connect") == "" || has(n.imports, "dup2", "dup3") == "" {
		return "", 0
	}
	for _, s := range strs {
		if sh := shell(s.Text); sh != "" {
			return sh, s.Offset
		}
	}
	return "", 0
}

// has returns the first of names present in the sorted list, or "".
func has(sorted []string, names ...string) string {
	for _, name := range names {
		if i := sort.SearchStrings(sorted, name); i < len(sorted) && sorted[i] == name {
			return name
		}
	}
	return ""
}

// hardcodedEndpoint reports whether the string findings include a URL or
// an IP address.
func hardcodedEndpoint(prefix string, fs []report.Finding) bool {
	for _, f := range fs {
		if f.Rule == prefix+"."+binary.IP || f.Rule == prefix+"."+binary.URL {
			return true
		}
	}
	return false
}

// offset locates an imported name in the string table, or 0.
func (n *native) offset(name string) int64 {
	for _, pre := range []string{"\x00", "\x00_"} {
		if i := bytes.Index(n.data, []byte(pre+name+"\x00")); i >= 0 {
			return int64(i + len(pre))
		}
	}
	return 0
}

// systemLibDirs are where honest absolute library paths point.
var systemLibDirs = []string{"/lib", "/usr/lib", "/usr/local/lib", "/lib64", "/usr/lib64", "/System/", "/Library/Frameworks/", "/opt/homebrew/", "/usr/local/opt/", "/nix/store/"}

// oddLibrary says why a needed library's path is unusual, or "".
func oddLibrary(lib string) string {
	switch {
	case strings.Contains(lib, "../"):
		return "reached through a parent directory"
	case strings.HasPrefix(lib, "/tmp/"), strings.HasPrefix(lib, "/var/tmp/"), strings.HasPrefix(lib, "/dev/shm/"),
		strings.HasPrefix(lib, "/Users/Shared/"), strings.HasPrefix(lib, "/private/tmp/"):
		return "in a world-writable directory"
	case strings.HasPrefix(lib, "/"):
		for _, d := range systemLibDirs {
			if strings.HasPrefix(lib, d) {
				return ""
			}
		}
		return "outside the system library directories"
	}
	return ""
}

// shell returns the command interpreter named in s, or "".
func shell(s string) string {
	for _, sh := range []string{"/bin/sh", "/bin/bash", "/bin/zsh", "/bin/dash"} {
		if strings.Contains(s, sh) {
			return sh
		}
	}
	return ""
}

// dedupeSorted sorts names and drops repeats.
func dedupeSorted(names []string) []string {
	sort.Strings(names)
	out := names[:0]
	for i, n := range names {
		if i == 0 || n != names[i-1] {
			out = append(out, n)
		}
	}
	return out
}

// rulesFor lists the rules a format produces under prefix.
func rulesFor(prefix, format string) []report.Rule {
	r := func(suffix string, l report.Level, summary, help string) report.Rule {
		return report.Rule{ID: prefix + "." + suffix, Level: l, Summary: summary, Help: help}
	}
	rules := []report.Rule{
		r(Malformed, report.Low, "unreadable "+format+" file", "The headers do not parse: a truncated file, or one made to crash parsers."),
		r(Network, report.Low, "imports network functions", "The program opens sockets or resolves names."),
		r(Exec, report.Low, "imports process execution", "The program starts other programs (exec, system, popen, posix_spawn)."),
		r(Ptrace, report.Low, "imports ptrace", "ptrace lets a program read and write another process's memory: debuggers, and injectors. The Go runtime links it on macOS, so alone it is only listed."),
		r(DynLoad, report.Low, "imports dlopen", "The program loads libraries chosen at run time."),
		r(Fileless, report.Medium, "memfd_create with exec", "An in-memory file plus exec runs a payload that never touches disk. High in a small networked program."),
		r(RemoteShell, report.High, "network plus exec plus a shell", "A small program that connects out, redirects descriptors, starts programs and names a shell has the shape of a reverse shell; high when it also carries a hard-coded server address."),
		r(LibPath, report.Medium, "library from an unusual path", "The program links a library by an absolute path outside the system directories, in a world-writable directory or through \"..\": the setting for library planting."),
		r(WX, report.Medium, "writable and executable segment", "A segment mapped both writable and executable: packers and self-modifying loaders."),
		r(Packed, report.Medium, "packed executable", "The program carries a packer's signature (UPX): its code is compressed and hidden from review."),
	}
	return append(rules, binary.StringRules(prefix)...)
}
