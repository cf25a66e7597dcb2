package nsis

import (
	"fmt"
	"strconv"
	"strings"
)

// scriptName is the pseudo-file that holds the decoded install script. A
// changed installer script (an added Exec, a new registry Run key) then
// shows up as a text diff like any other file.
const scriptName = "[NSIS].nsi"

const opPushPop = 31

// maxScript bounds the rendering; real scripts render to well under 1 MB.
const maxScript = 16 << 20

// commands name the opcodes (NSIS 3 numbering) and say how to print each
// parameter: s string, v variable, a script address, r registry root,
// n number, - not
// printed (File's times and flags change with every build).
var commands = [...]struct{ name, params string }{
	{"Invalid", ""}, {"Return", ""}, {"Goto", "a"}, {"Abort", "s"}, {"Quit", ""},
	{"Call", "a"}, {"DetailPrint", "s"}, {"Sleep", "s"}, {"BringToFront", ""},
	{"SetDetailsView", "nn"}, {"SetFileAttributes", "sn"}, {"CreateDirectory", "s-n"},
	{"IfFileExists", "saa"}, {"SetFlag", "ns"}, {"IfFlag", "aann"}, {"GetFlag", "vn"},
	{"Rename", "ssns"}, {"GetFullPathName", "svn"}, {"SearchPath", "vs"},
	{"GetTempFileName", "vs"}, {"File", "-s----"}, {"Delete", "sn"},
	{"MessageBox", "nsnana"}, {"RMDir", "sn"}, {"StrLen", "vs"}, {"StrCpy", "vsss"},
	{"StrCmp", "ssaan"}, {"ReadEnvStr", "vsn"}, {"IntCmp", "ssaaan"}, {"IntOp", "vssn"},
	{"IntFmt", "vssn"}, {"PushPop", "snn"}, {"FindWindow", "vssss"},
	{"SendMessage", "vssssn"}, {"IsWindow", "saa"}, {"GetDlgItem", "vss"},
	{"SetCtlColors", "sn"}, {"SetBrandingImage", "snnn"}, {"CreateFont", "vssss"},
	{"ShowWindow", "ssnn"}, {"ExecShell", "nssssn"}, {"Exec", "svn"},
	{"GetFileTime", "svv"}, {"GetDLLVersion", "svvn"}, {"RegisterDLL", "ssnnnn"},
	{"CreateShortCut", "sssssn"}, {"CopyFiles", "ssns"}, {"Reboot", "n"},
	{"WriteINI", "sssss"}, {"ReadINIStr", "vsss"}, {"DeleteReg", "nrssn"},
	{"WriteReg", "rsssnn"}, {"ReadReg", "vrssn"}, {"EnumReg", "vrssn"},
	{"FileClose", "v"}, {"FileOpen", "vnns"}, {"FileWrite", "vsnn"},
	{"FileRead", "vvsn"}, {"FileSeek", "vsvn"}, {"FindClose", "v"},
	{"FindNext", "vv"}, {"FindFirst", "vvs"}, {"WriteUninstaller", "s--s"},
	{"SectionSet", "svnnn"}, {"InstTypeSet", "svnn"}, {"GetOSInfo", "nvssn"},
	{"ReservedOpcode", ""}, {"LockWindow", "n"}, {"FileWriteUTF16LE", "vsnn"},
	{"FileReadUTF16LE", "vvsn"},
}

// render prints the install script, one command per line, with the files
// it extracts named as in the FS. The output is meant to be diffed and
// read, not compiled: labels are script addresses.
func (h *header) render(comp compression, uninstaller bool, items []item) []byte {
	files := map[int]string{}
	for _, it := range items {
		files[it.entry] = it.name
	}
	var b strings.Builder
	fmt.Fprintf(&b, "; NSIS install script decoded by vigil (not compilable)\n")
	fmt.Fprintf(&b, "; Unicode %v\n; SetCompressor", h.unicode)
	if comp.solid {
		b.WriteString(" /SOLID")
	}
	fmt.Fprintf(&b, " %s\n", comp.method)
	h.renderLangStrings(&b)
	targets := h.callTargets()
	names := map[int]string{}
	prefix := "."
	if uninstaller {
		prefix = "un."
	}
	for k, addr := range h.callbacks {
		if addr >= 0 && int(addr) < h.numEntries() {
			names[int(addr)] = prefix + "on" + callbackNames[k]
		}
	}
	sections := h.sectionStarts()
	for i := 0; i < h.numEntries(); i++ {
		if b.Len() > maxScript {
			b.WriteString("; [the rest is left out: the script is too long]\n")
			break
		}
		if name, ok := sections[i]; ok {
			fmt.Fprintf(&b, "\n; Section %s\n", quote(name))
		}
		if name, ok := names[i]; ok {
			fmt.Fprintf(&b, "\nFunction %s\n", name)
		} else if targets[i] {
			fmt.Fprintf(&b, "\nlabel_%d:\n", i)
		}
		op, p := h.entry(i)
		b.WriteString("  ")
		if int(op) >= len(commands) {
			fmt.Fprintf(&b, "Opcode%d", op)
			for _, v := range p {
				fmt.Fprintf(&b, " %d", int32(v))
			}
			b.WriteString("\n")
			continue
		}
		c := commands[op]
		switch {
		case op == opExtractFile:
			fmt.Fprintf(&b, "File %s\n", quote(files[i]))
			continue
		case op == opPushPop && p[1] != 0:
			fmt.Fprintf(&b, "Pop %s\n", varName(p[0]))
			continue
		case op == opPushPop && p[2] != 0:
			fmt.Fprintf(&b, "Exch %d\n", p[2])
			continue
		case op == opPushPop:
			fmt.Fprintf(&b, "Push %s\n", quote(h.str(p[0])))
			continue
		case op == opCreateDir && p[1] != 0:
			c.name = "SetOutPath"
		}
		b.WriteString(c.name)
		last := len(c.params) - 1
		for last >= 0 && p[last] == 0 {
			last--
		}
		for k := 0; k <= last; k++ {
			if c.params[k] != '-' {
				b.WriteByte(' ')
			}
			switch c.params[k] {
			case 's':
				b.WriteString(quote(h.str(p[k])))
			case 'v':
				if int32(p[k]) < 0 {
					b.WriteString("-")
				} else {
					b.WriteString(varName(p[k]))
				}
			case 'r':
				b.WriteString(regRoot(p[k]))
			case 'a':
				if p[k] == 0 {
					b.WriteString("0")
				} else {
					fmt.Fprintf(&b, "label_%d", p[k]-1)
				}
			case 'n':
				b.WriteString(strconv.Itoa(int(int32(p[k]))))
			}
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// renderLangStrings prints the language tables: the installer's name,
// branding and messages, which the script refers to as $(LSTR_n). A
// table is a 16-bit language ID, two 32-bit fields and a string offset per
// language string.
func (h *header) renderLangStrings(b *strings.Builder) {
	if h.langSize < 10 || uint64(h.langOff)+uint64(h.langNum)*uint64(h.langSize) > uint64(len(h.raw)) {
		return
	}
	for t := uint32(0); t < h.langNum; t++ {
		rec := h.langOff + t*h.langSize
		id := uint32(h.raw[rec]) | uint32(h.raw[rec+1])<<8
		b.WriteString("\n")
		for k := uint32(0); k < (h.langSize-10)/4 && b.Len() < maxScript; k++ {
			if p := u32(h.raw, rec+10+4*k); p != 0 {
				fmt.Fprintf(b, "LangString LSTR_%d %d %s\n", k, id, quote(h.str(p)))
			}
		}
	}
}

// callbackNames are the callbacks in header order (fileform.h); an
// uninstaller's are the same slots with "un." before them.
var callbackNames = [...]string{
	"Init", "InstSuccess", "InstFailed", "UserAbort", "GUIInit", "GUIEnd",
	"MouseOverSection", "VerifyInstDir", "SelChange", "RebootFailed",
}

// callTargets are the addresses that Call, Goto and the conditional
// jumps name, so that the rendering can label them.
func (h *header) callTargets() map[int]bool {
	t := map[int]bool{}
	for i := 0; i < h.numEntries(); i++ {
		op, p := h.entry(i)
		if int(op) >= len(commands) {
			continue
		}
		for k, kind := range commands[op].params {
			if kind == 'a' && p[k] != 0 && int(p[k]-1) < h.numEntries() {
				t[int(p[k]-1)] = true
			}
		}
	}
	return t
}

// sectionStarts maps the first entry of each section to its name. A
// section record is name_ptr, install_types, flags, code, code_size,
// size_kb and a name buffer; the record size follows from the block table.
func (h *header) sectionStarts() map[int]string {
	out := map[int]string{}
	if h.secNum == 0 || h.secSize < 24 {
		return out
	}
	for k := uint32(0); k < h.secNum; k++ {
		rec := h.secOff + k*h.secSize
		code := u32(h.raw, rec+12)
		if int(code) < h.numEntries() {
			if _, dup := out[int(code)]; !dup {
				out[int(code)] = h.str(u32(h.raw, rec))
			}
		}
	}
	return out
}

// nsisEscapes writes strings the way a script does: $\" inside quotes and
// $\r, $\n, $\t for control characters.
var nsisEscapes = strings.NewReplacer(`"`, `$\"`, "\r", `$\r`, "\n", `$\n`, "\t", `$\t`)

func quote(s string) string { return `"` + nsisEscapes.Replace(s) + `"` }

func regRoot(v uint32) string {
	switch v {
	case 0:
		return "SHCTX"
	case 0x80000000:
		return "HKCR"
	case 0x80000001:
		return "HKCU"
	case 0x80000002:
		return "HKLM"
	case 0x80000003:
		return "HKU"
	}
	return fmt.Sprintf("0x%x", v)
}
