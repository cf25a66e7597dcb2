package nsis

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// Opcodes of install script entries, in the NSIS 3 numbering. Only the
// ones that place files matter for extraction; the rest are named for the
// script rendering. Opcodes up to 62 are the same in NSIS 2 and 3.
const (
	opCreateDir           = 11 // SetOutPath when param 1 != 0, else CreateDirectory
	opExtractFile         = 20 // File
	opWriteUninstaller    = 62 // WriteUninstaller
	entrySize             = 28 // opcode + 6 params
	numBlocks             = 8
	blockSections         = 1
	blockEntries          = 2
	blockStrings          = 3
	blockLangTables       = 4
	maxEntries            = 1 << 22
	varInstDir, varOutDir = 21, 22
)

// header is the parsed install script header.
type header struct {
	raw     []byte
	entries []byte // entrySize bytes per entry
	strs    []byte // the string table
	unicode bool   // strings are UTF-16LE (makensis 3 default)
	nsis2   bool   // ANSI strings use NSIS 2 codes (252..255), not 1..4
	decoded int    // bytes decoded by str so far, bounded by maxDecoded

	// secOff, secNum and secSize locate the section records.
	secOff, secNum, secSize uint32
	// callbacks are the script addresses of .onInit and the other
	// callback functions, -1 when absent.
	callbacks [10]int32
	// langOff, langNum and langSize locate the language tables.
	langOff, langNum, langSize uint32
}

// parseHeader checks the block table and finds the entries and strings.
func parseHeader(raw []byte) (*header, error) {
	h := &header{raw: raw}
	// A 64-bit installer (Target amd64-unicode) stores each block offset
	// as 64 bits; the high halves are zero. 7-Zip tells them apart so.
	bho := uint32(8)
	if len(raw) >= 4+12*numBlocks {
		bho = 12
		for k := uint32(0); k < numBlocks; k++ {
			if u32(raw, 4+12*k+4) != 0 {
				bho = 8
			}
		}
	}
	block := func(k uint32) (off, num uint32) {
		return u32(raw, 4+bho*k), u32(raw, 4+bho*k+bho-4)
	}
	size := uint32(len(raw))
	eOff, eNum := block(blockEntries)
	sOff, _ := block(blockStrings)
	lOff, _ := block(blockLangTables)
	if eOff > size || sOff > size || lOff > size || lOff < sOff+2 {
		return nil, fmt.Errorf("%w: bad block table", errCorrupt)
	}
	if eNum > maxEntries || uint64(eNum)*entrySize > uint64(size-eOff) {
		return nil, fmt.Errorf("%w: %d script entries do not fit", errCorrupt, eNum)
	}
	h.entries = raw[eOff : eOff+eNum*entrySize]
	if off, num := block(blockSections); num > 0 && off < eOff && (eOff-off)/num >= 24 {
		h.secOff, h.secNum, h.secSize = off, num, (eOff-off)/num
	}
	// After the block table: ten 32-bit settings, the ninth the size of a
	// language table, then the callbacks.
	settings := 4 + bho*numBlocks
	for k := range h.callbacks {
		h.callbacks[k] = int32(u32(raw, settings+40+4*uint32(k)))
	}
	if _, num := block(blockLangTables); num > 0 {
		h.langOff, h.langNum, h.langSize = lOff, num, u32(raw, settings+32)
	}
	h.strs = raw[sOff:lOff]
	h.unicode = h.strs[0] == 0 && h.strs[1] == 0
	if h.unicode && len(h.strs)%2 != 0 {
		h.strs = h.strs[:len(h.strs)-1]
	}
	if !h.unicode {
		h.nsis2 = !hasNSIS3Var(h.strs)
	}
	return h, nil
}

// hasNSIS3Var reports whether an ANSI string table uses NSIS 3 variable
// codes: a string starting with code 3 followed by a byte with the high
// bit set, as every "$INSTDIR..." string does. 7-Zip uses the same test.
func hasNSIS3Var(s []byte) bool {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == 0 && s[i+1] == 3 && s[i+2]&0x80 != 0 {
			return true
		}
	}
	return false
}

func (h *header) numEntries() int { return len(h.entries) / entrySize }

// entry returns the opcode and parameters of entry i.
func (h *header) entry(i int) (op uint32, p [6]uint32) {
	e := h.entries[i*entrySize:]
	op = u32(e, 0)
	for k := range p {
		p[k] = u32(e, uint32(4+4*k))
	}
	return op, p
}

// Special codes inside strings.
const (
	code3Lang, code3Shell, code3Var, code3Skip = 1, 2, 3, 4
	code2Skip, code2Var, code2Shell, code2Lang = 252, 253, 254, 255
)

// maxStringLen bounds one decoded string (NSIS_MAX_STRLEN is 1024 chars;
// some builds raise it to 8192), and maxDecoded all strings decoded from
// one header: a string table without terminators would otherwise cost
// entries × table size.
const (
	maxStringLen = 8192
	maxDecoded   = 64 << 20
)

// str decodes the string at pos (in characters), rendering variables,
// shell folders and language strings the way a script writes them.
func (h *header) str(pos uint32) string {
	if int32(pos) < 0 {
		return fmt.Sprintf("$(LSTR_%d)", -(int64(int32(pos)) + 1))
	}
	if h.decoded > maxDecoded {
		return "$_TOO_MANY_STRINGS_"
	}
	s := h.decode(pos)
	h.decoded += len(s)
	return s
}

func (h *header) decode(pos uint32) string {
	var b strings.Builder
	if h.unicode {
		i := int(pos) * 2
		next := func() (uint16, bool) {
			if i+2 > len(h.strs) || b.Len() > maxStringLen {
				return 0, false
			}
			c := uint16(h.strs[i]) | uint16(h.strs[i+1])<<8
			i += 2
			return c, c != 0
		}
		var units []uint16
		flush := func() {
			b.WriteString(string(utf16.Decode(units)))
			units = units[:0]
		}
		for {
			c, ok := next()
			if !ok {
				break
			}
			if c > code3Skip {
				units = append(units, c)
				continue
			}
			n, ok := next()
			if !ok {
				break
			}
			if c == code3Skip {
				units = append(units, n)
				continue
			}
			flush()
			switch c {
			case code3Shell:
				b.WriteString(h.shell(uint32(n&0xFF), uint32(n>>8)))
			case code3Var:
				b.WriteString(varName(uint32(n&0x7F) | uint32(n>>8&0x7F)<<7))
			case code3Lang:
				fmt.Fprintf(&b, "$(LSTR_%d)", uint32(n&0x7F)|uint32(n>>8&0x7F)<<7)
			}
		}
		flush()
		return b.String()
	}
	skip, vr, shell, lang := byte(code3Skip), byte(code3Var), byte(code3Shell), byte(code3Lang)
	if h.nsis2 {
		skip, vr, shell, lang = code2Skip, code2Var, code2Shell, code2Lang
	}
	isCode := func(c byte) bool {
		if h.nsis2 {
			return c >= code2Skip
		}
		return c <= code3Skip
	}
	s := h.strs
	for i := int(pos); i < len(s) && s[i] != 0 && b.Len() < maxStringLen; i++ {
		c := s[i]
		if !isCode(c) {
			b.WriteRune(rune(c)) // Latin-1; the code page is unknown
			continue
		}
		if i+1 >= len(s) || s[i+1] == 0 {
			break
		}
		if c == skip {
			i++
			b.WriteRune(rune(s[i]))
			continue
		}
		if i+2 >= len(s) || s[i+2] == 0 {
			break
		}
		c0, c1 := uint32(s[i+1]), uint32(s[i+2])
		i += 2
		switch c {
		case shell:
			b.WriteString(h.shell(c0, c1))
		case vr:
			b.WriteString(varName(c0&0x7F | (c1&0x7F)<<7))
		case lang:
			fmt.Fprintf(&b, "$(LSTR_%d)", c0&0x7F|(c1&0x7F)<<7)
		}
	}
	return b.String()
}

var varNames = [...]string{
	"CMDLINE", "INSTDIR", "OUTDIR", "EXEDIR", "LANGUAGE", "TEMP",
	"PLUGINSDIR", "EXEPATH", "EXEFILE", "HWNDPARENT", "_CLICK", "_OUTDIR",
}

// varName names variable n: $0-$9, $R0-$R9, the built-ins, then user
// variables, whose names makensis does not keep.
func varName(n uint32) string {
	switch {
	case n < 10:
		return "$" + strconv.Itoa(int(n))
	case n < 20:
		return "$R" + strconv.Itoa(int(n-10))
	case n < 20+uint32(len(varNames)):
		return "$" + varNames[n-20]
	}
	return fmt.Sprintf("$_%d_", n-20-uint32(len(varNames)))
}

// shellNames are the NSIS names of CSIDL values, from 7-Zip.
var shellNames = [...]string{
	"DESKTOP", "INTERNET", "SMPROGRAMS", "CONTROLS", "PRINTERS", "DOCUMENTS",
	"FAVORITES", "SMSTARTUP", "RECENT", "SENDTO", "BITBUCKET", "STARTMENU",
	"", "MUSIC", "VIDEOS", "", "DESKTOP", "DRIVES", "NETWORK", "NETHOOD",
	"FONTS", "TEMPLATES", "STARTMENU", "SMPROGRAMS", "SMSTARTUP", "DESKTOP",
	"APPDATA", "PRINTHOOD", "LOCALAPPDATA", "ALTSTARTUP", "ALTSTARTUP",
	"FAVORITES", "INTERNET_CACHE", "COOKIES", "HISTORY", "APPDATA", "WINDIR",
	"SYSDIR", "PROGRAM_FILES", "PICTURES", "PROFILE", "SYSTEMX86",
	"PROGRAM_FILESX86", "PROGRAM_FILES_COMMON", "PROGRAM_FILES_COMMONX8",
	"TEMPLATES", "DOCUMENTS", "ADMINTOOLS", "ADMINTOOLS", "CONNECTIONS", "",
	"", "", "MUSIC", "PICTURES", "VIDEOS", "RESOURCES", "RESOURCES_LOCALIZED",
	"COMMON_OEM_LINKS", "CDBURN_AREA", "", "COMPUTERSNEARME",
}

// shell renders a shell folder code. With the high bit of c0 set, the
// folder is read from the registry value named by string c0&0x3F
// ($PROGRAMFILES and $COMMONFILES are stored so).
func (h *header) shell(c0, c1 uint32) string {
	if c0&0x80 != 0 {
		suffix := ""
		if c0&0x40 != 0 {
			suffix = "64"
		}
		switch h.plainStr(c0 & 0x3F) {
		case "ProgramFilesDir":
			return "$PROGRAMFILES" + suffix
		case "CommonFilesDir":
			return "$COMMONFILES" + suffix
		}
		return "$_REGISTRY_FOLDER_" + suffix
	}
	for _, c := range []uint32{c0, c1} {
		if c < uint32(len(shellNames)) && shellNames[c] != "" {
			return "$" + shellNames[c]
		}
	}
	return fmt.Sprintf("$_SHELL_%d_%d_", c0, c1)
}

// plainStr reads a string without interpreting codes, for registry names.
func (h *header) plainStr(pos uint32) string {
	var b strings.Builder
	for i := 0; i < 64; i++ {
		var c uint32
		if h.unicode {
			j := (int(pos) + i) * 2
			if j+2 > len(h.strs) {
				break
			}
			c = uint32(h.strs[j]) | uint32(h.strs[j+1])<<8
		} else {
			if int(pos)+i >= len(h.strs) {
				break
			}
			c = uint32(h.strs[int(pos)+i])
		}
		if c == 0 {
			break
		}
		b.WriteRune(rune(c))
	}
	return b.String()
}

// varAt returns the variable a string starts with, or -1, and how many
// characters the code takes: SetOutPath "$OUTDIR\sub" is relative.
func (h *header) varAt(pos uint32) (n int, width uint32) {
	if h.unicode {
		i := int(pos) * 2
		if i+4 > len(h.strs) || h.strs[i] != code3Var || h.strs[i+1] != 0 {
			return -1, 0
		}
		v := uint32(h.strs[i+2]&0x7F) | uint32(h.strs[i+3]&0x7F)<<7
		return int(v), 2
	}
	i := int(pos)
	code := byte(code3Var)
	if h.nsis2 {
		code = code2Var
	}
	if i+3 > len(h.strs) || h.strs[i] != code || h.strs[i+1] == 0 || h.strs[i+2] == 0 {
		return -1, 0
	}
	return int(uint32(h.strs[i+1]&0x7F) | uint32(h.strs[i+2]&0x7F)<<7), 3
}

// item is one file the script extracts.
type item struct {
	name   string // install path as declared, backslash separated
	pos    uint32 // offset of the file's block in the data block
	mtime  time.Time
	uninst bool   // WriteUninstaller: the block holds uninstaller data
	patch  uint32 // uninstaller only: bytes of icon patch before the data
	entry  int    // index of the script entry, for messages
}

// items walks the script in order, tracking SetOutPath, and lists the
// files it extracts. The walk is linear, like 7-Zip's: jumps are not
// followed, so a file's directory is the last SetOutPath before it.
func (h *header) items() []item {
	var out []item
	outdir := "$INSTDIR"
	for i := 0; i < h.numEntries(); i++ {
		op, p := h.entry(i)
		switch op {
		case opCreateDir:
			if p[1] == 0 {
				continue
			}
			dir := h.str(p[0])
			if v, w := h.varAt(p[0]); v == varOutDir {
				dir = outdir + h.str(p[0]+w)
			}
			outdir = dir
		case opExtractFile:
			out = append(out, item{
				name:  h.join(outdir, p[1]),
				pos:   p[2],
				mtime: filetime(p[3], p[4]),
				entry: i,
			})
		case opWriteUninstaller:
			if p[0] == 0 {
				continue
			}
			out = append(out, item{name: h.join("$INSTDIR", p[0]), pos: p[1], patch: p[2], uninst: true, entry: i})
		}
	}
	return out
}

// join places the file name at pos in dir unless it is absolute: starts
// with a variable naming a directory, a drive or a UNC path.
func (h *header) join(dir string, pos uint32) string {
	name := h.str(pos)
	switch v, _ := h.varAt(pos); v {
	case varInstDir, varOutDir, 23 /* EXEDIR */, 25 /* TEMP */, 26 /* PLUGINSDIR */ :
		return name
	}
	if strings.HasPrefix(name, `\\`) || len(name) >= 2 && name[1] == ':' || strings.HasPrefix(name, "$") {
		return name
	}
	return dir + `\` + name
}

// filetime converts a Windows FILETIME; zero stays the zero time.
func filetime(lo, hi uint32) time.Time {
	ft := int64(hi)<<32 | int64(lo)
	if ft <= 0 || hi == 0xFFFFFFFF {
		return time.Time{}
	}
	const epochDiff = 116444736000000000 // 1601 to 1970 in 100ns
	return time.Unix(0, (ft-epochDiff)*100).UTC()
}
