package analyze

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf8"
)

// Kind is what a file is, as far as analyzers care.
type Kind string

// Kinds. Binary formats are told apart by magic bytes, text by name first
// and by a shebang line second.
const (
	JavaScript Kind = "javascript"
	TypeScript Kind = "typescript"
	Python     Kind = "python"
	Shell      Kind = "shell"
	PowerShell Kind = "powershell"
	Batch      Kind = "batch"
	M4         Kind = "m4"
	JSON       Kind = "json"
	YAML       Kind = "yaml"
	Text       Kind = "text"
	PE         Kind = "pe"
	ELF        Kind = "elf"
	MachO      Kind = "macho"
	Binary     Kind = "binary"
)

// IsCode reports whether the kind is source code a person would review.
func (k Kind) IsCode() bool {
	switch k {
	case JavaScript, TypeScript, Python, Shell, PowerShell, Batch, M4:
		return true
	}
	return false
}

// IsText reports whether the kind is read as text (lines make sense).
func (k Kind) IsText() bool {
	switch k {
	case PE, ELF, MachO, Binary:
		return false
	}
	return true
}

var extKinds = map[string]Kind{
	".js": JavaScript, ".mjs": JavaScript, ".cjs": JavaScript, ".jsx": JavaScript,
	".ts": TypeScript, ".mts": TypeScript, ".cts": TypeScript, ".tsx": TypeScript,
	".py": Python, ".pyw": Python,
	".sh": Shell, ".bash": Shell, ".zsh": Shell, ".ksh": Shell,
	".ps1": PowerShell, ".psm1": PowerShell, ".psd1": PowerShell,
	".bat": Batch, ".cmd": Batch,
	".m4": M4, ".ac": M4,
	".json": JSON,
	".yml":  YAML, ".yaml": YAML,
}

// Sniff decides a file's kind from its base name and content.
func Sniff(name string, data []byte) Kind {
	switch {
	case bytes.HasPrefix(data, []byte("MZ")):
		return PE
	case bytes.HasPrefix(data, []byte("\x7fELF")):
		return ELF
	case isMachO(data):
		return MachO
	}
	base := strings.ToLower(path.Base(name))
	if strings.HasSuffix(base, ".d.ts") {
		return TypeScript
	}
	if k, ok := extKinds[path.Ext(base)]; ok {
		return k
	}
	switch base {
	case "configure", "config.status", "libtool", "ltmain.sh":
		return Shell
	}
	if bytes.HasPrefix(data, []byte("#!")) {
		line := data
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		switch {
		case bytes.Contains(line, []byte("node")):
			return JavaScript
		case bytes.Contains(line, []byte("python")):
			return Python
		case bytes.Contains(line, []byte("pwsh")), bytes.Contains(line, []byte("powershell")):
			return PowerShell
		case bytes.Contains(line, []byte("sh")):
			return Shell
		}
	}
	if looksText(data) {
		return Text
	}
	return Binary
}

func isMachO(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	switch string(b[:4]) {
	case "\xfe\xed\xfa\xce", "\xce\xfa\xed\xfe", "\xfe\xed\xfa\xcf", "\xcf\xfa\xed\xfe":
		return true
	}
	return false
}

// looksText reports whether the first 8 KiB are UTF-8 without NULs.
func looksText(b []byte) bool {
	if len(b) > 8192 {
		b = b[:8192]
		for i := 0; i < 4 && len(b) > 0 && !utf8.Valid(b); i++ {
			b = b[:len(b)-1]
		}
	}
	return bytes.IndexByte(b, 0) < 0 && utf8.Valid(b)
}
