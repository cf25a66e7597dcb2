package js

import (
	"encoding/base64"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/vigilsec/vigil/analyze/shell"
	"github.com/vigilsec/vigil/report"
)

var (
	// A shell told to decode its own script: base64 -d, certutil -decode,
	// or PowerShell's -EncodedCommand (-e, -ec, -enc).
	decodeToShell = regexp.MustCompile(`(?i)\bbase64\s+(-d|--decode|-D)\b|\bcertutil(\.exe)?\s+-decode\b|\b(powershell|pwsh)(\.exe)?\b.*\s-(e|ec|en|enc|encodedcommand)\s`)
	// A run of base64 long enough to hold a script.
	base64Run = regexp.MustCompile(`[A-Za-z0-9+/]{24,}={0,2}`)
)

// maxCommand bounds the command text inspected.
const maxCommand = 64 << 10

// command inspects a command line or script found in a literal at byte
// offset off: it runs the shell analyzer over it, and over every base64
// run in it when the command decodes its own script.
func (f *file) command(cmd string, off int) {
	if len(cmd) > maxCommand {
		cmd = cmd[:maxCommand]
	}
	f.lift(shell.Inspect([]byte(cmd)), off, "")
	loc := decodeToShell.FindStringIndex(cmd)
	if loc == nil {
		return
	}
	blobs := base64Run.FindAllStringIndex(cmd, 16)
	if len(blobs) == 0 {
		return
	}
	// Evidence without the blob, so that it reads as a command.
	shown := base64Run.ReplaceAllString(cmd, "<base64>")
	mark(&f.decode, f.add(RuleShellDecode, report.High, off, shown,
		"hands a shell a script it must first decode ("+strings.TrimSpace(cmd[loc[0]:loc[1]])+"): what runs is not readable in the release"))
	ps := strings.Contains(strings.ToLower(cmd[loc[0]:loc[1]]), "powershell") || strings.Contains(strings.ToLower(cmd[loc[0]:loc[1]]), "pwsh")
	for _, b := range blobs {
		text := decodeScript(cmd[b[0]:b[1]], ps)
		if text == "" {
			continue
		}
		f.lift(shell.Inspect([]byte(text)), off, "decoded from base64: ")
		if name := sensitive(text); name != "" {
			f.add(RuleShellDecode, report.High, off, "decoded: "+firstLine(text),
				"the decoded script names "+name)
		}
	}
}

// decodeScript decodes a base64 script, as UTF-16LE for PowerShell's
// -EncodedCommand, and returns "" unless the result is text.
func decodeScript(s string, utf16le bool) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
		if err != nil {
			return ""
		}
	}
	if utf16le && len(b)%2 == 0 {
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		b = []byte(string(utf16.Decode(u)))
	}
	if !printable(b) {
		return ""
	}
	return string(b)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// lift adds findings of another analyzer about text embedded in this file
// at byte offset off: the rule, level and match are theirs, the place is
// the literal's.
func (f *file) lift(fs []report.Finding, off int, prefix string) {
	for _, fd := range fs {
		i := f.add(fd.Rule, fd.Level, off, fd.Match, "in a command line: "+prefix+fd.Message)
		if fd.Level >= report.High {
			mark(&f.exec, i)
		}
	}
}
