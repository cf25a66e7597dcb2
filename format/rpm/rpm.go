// Package rpm opens RPM packages as an fs.FS.
//
// The tree holds the payload's files at their installed paths ("usr/bin/x"
// for "./usr/bin/x") and every scriptlet from the main header as a
// pseudo-file under "[scripts]/": prein.sh, postin.sh, preun.sh, postun.sh,
// pretrans.sh, posttrans.sh, verify.sh, trigger-N.sh, filetrigger-N.sh and
// transfiletrigger-N.sh, the extension following the interpreter (.lua for
// <lua>, .py for python, none for an unknown one). Scriptlets are where an
// RPM runs code as root at install time, so they are shown as files that
// analyzers read like any other script.
//
// The package is checked as rpm checks it before installing: the main
// header against the signature header's SHA-256, the compressed payload
// against PAYLOADDIGEST, and every payload file against FILEDIGESTS. A
// mismatch, or a payload file the header does not list, is a Problem.
package rpm

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/compress"
)

// Format recognises RPM packages by their lead's magic number.
var Format = format.Format{
	Name:  "rpm",
	Match: func(name string, head []byte) bool { return bytes.HasPrefix(head, leadMagic) },
	Open: func(name string, src format.Source, lim format.Limits) (fs.FS, error) {
		t, err := Open(src, lim)
		if err != nil {
			return nil, err
		}
		return t, nil
	},
}

var leadMagic = []byte{0xed, 0xab, 0xee, 0xdb}

const leadSize = 96

// Rules this package reports beyond the shared archive rules.
const (
	// RuleDigestMismatch: a payload file's digest differs from the header.
	RuleDigestMismatch = format.RuleDigestMismatch
	// RuleUndeclaredFile: the payload carries a file the header does not list.
	RuleUndeclaredFile = format.RuleUndeclaredFile
)

// ScriptsDir is the pseudo-directory holding the scriptlets.
const ScriptsDir = "[scripts]"

// Header tags read here; see rpm's include/rpm/rpmtag.h.
const (
	tagName            = 1000
	tagVersion         = 1001
	tagRelease         = 1002
	tagPrein           = 1023
	tagPostin          = 1024
	tagPreun           = 1025
	tagPostun          = 1026
	tagOldFilenames    = 1027
	tagFileDigests     = 1035
	tagTriggerScripts  = 1065
	tagVerifyScript    = 1079
	tagPreinProg       = 1085
	tagPostinProg      = 1086
	tagPreunProg       = 1087
	tagPostunProg      = 1088
	tagVerifyProg      = 1091
	tagTriggerProg     = 1092
	tagDirIndexes      = 1116
	tagBasenames       = 1117
	tagDirnames        = 1118
	tagPayloadFormat   = 1124
	tagPretrans        = 1151
	tagPosttrans       = 1152
	tagPretransProg    = 1153
	tagPosttransProg   = 1154
	tagFileDigestAlgo  = 5011
	tagPayloadDigest   = 5092
	tagPayloadAlgo     = 5093
	sigSHA256          = 273 // in the signature header: the main header's SHA-256
	tagFileTrigScripts = 5066
	tagFileTrigProg    = 5067
	tagTransTrigScript = 5076
	tagTransTrigProg   = 5077
)

// Package is what the main header says about the package.
type Package struct {
	Name, Version, Release string
	PayloadFormat          string // "cpio" for every rpm this package reads
	Compressor             string // found from the payload's magic bytes
}

// Open reads an RPM package.
func Open(src format.Source, lim format.Limits) (*Tree, error) {
	size := src.Size()
	lead := make([]byte, leadSize)
	if _, err := src.ReadAt(lead, 0); err != nil || !bytes.HasPrefix(lead, leadMagic) {
		return nil, format.ErrNotFormat
	}
	sig, end, err := readHeader(src, leadSize, size)
	if err != nil {
		return nil, fmt.Errorf("signature %w", err)
	}
	headerAt := (end + 7) &^ 7
	h, payloadAt, err := readHeader(src, headerAt, size)
	if err != nil {
		return nil, fmt.Errorf("main %w", err)
	}
	t := &Tree{h: h, src: io.NewSectionReader(src, payloadAt, size-payloadAt), lim: lim}
	t.checkDigest(sig.str(sigSHA256), sha256.New, io.NewSectionReader(src, headerAt, payloadAt-headerAt), "main header", headerAt)
	if d := h.strings(tagPayloadDigest); len(d) > 0 {
		t.checkDigest(d[0], digestAlgo(h.ints(tagPayloadAlgo)), t.src, "payload", payloadAt)
	}
	t.Package = Package{
		Name:          h.str(tagName),
		Version:       h.str(tagVersion),
		Release:       h.str(tagRelease),
		PayloadFormat: h.str(tagPayloadFormat),
	}
	if f := t.Package.PayloadFormat; f != "" && f != "cpio" {
		return nil, fmt.Errorf("payload format %q is not supported", f)
	}
	t.addScripts()
	if err := t.indexPayload(); err != nil {
		t.namer.Add(format.Problem{Rule: format.RuleMalformed, Message: fmt.Sprintf("payload: %v", err), Offset: payloadAt})
	}
	t.Tree = format.NewTree(t.entries, t.namer.Problems())
	return t, nil
}

// Tree is an opened package: an fs.FS over its files and scriptlets.
type Tree struct {
	*format.Tree
	Package Package

	h       *header
	src     *io.SectionReader // the compressed payload
	lim     format.Limits
	namer   format.Namer
	entries []format.Entry
	spool   *compress.Spool // the payload's file contents, read once
}

type script struct {
	name       string
	body, prog uint32
}

var scripts = []script{
	{"pretrans", tagPretrans, tagPretransProg},
	{"prein", tagPrein, tagPreinProg},
	{"postin", tagPostin, tagPostinProg},
	{"preun", tagPreun, tagPreunProg},
	{"postun", tagPostun, tagPostunProg},
	{"posttrans", tagPosttrans, tagPosttransProg},
	{"verify", tagVerifyScript, tagVerifyProg},
}

var arrayScripts = []script{
	{"trigger", tagTriggerScripts, tagTriggerProg},
	{"filetrigger", tagFileTrigScripts, tagFileTrigProg},
	{"transfiletrigger", tagTransTrigScript, tagTransTrigProg},
}

// addScripts adds the scriptlets as entries under ScriptsDir.
func (t *Tree) addScripts() {
	for _, s := range scripts {
		if _, ok := t.h.tags[s.body]; !ok {
			continue
		}
		t.addScript(s.name, t.h.str(s.body), t.h.str(s.prog), t.h.offsetOf(s.body))
	}
	for _, s := range arrayScripts {
		progs := t.h.strings(s.prog)
		for i, body := range t.h.strings(s.body) {
			prog := ""
			if i < len(progs) {
				prog = progs[i]
			}
			t.addScript(fmt.Sprintf("%s-%d", s.name, i), body, prog, t.h.offsetOf(s.body))
		}
	}
}

func (t *Tree) addScript(name, body, prog string, offset int64) {
	data := []byte(body)
	t.entries = append(t.entries, format.Entry{
		Name: t.namer.Clean(ScriptsDir+"/"+name+scriptExt(prog), offset),
		Size: int64(len(data)),
		Mode: 0o755,
		Open: func() (io.ReadCloser, error) { return format.NopCloser(bytes.NewReader(data)), nil },
	})
}

// scriptExt names a scriptlet by its interpreter so that analyzers read it
// in the right language. rpm runs a scriptlet without one with /bin/sh.
func scriptExt(prog string) string {
	if prog == "" {
		return ".sh"
	}
	if prog == "<lua>" {
		return ".lua"
	}
	base := path.Base(strings.Fields(prog + " x")[0])
	switch {
	case base == "sh" || base == "bash" || base == "dash" || base == "ash":
		return ".sh"
	case strings.HasPrefix(base, "python"):
		return ".py"
	case base == "perl":
		return ".pl"
	case base == "lua":
		return ".lua"
	}
	return ""
}

// declared returns the header's file list with each file's digest.
func (t *Tree) declared() map[string]string {
	var names []string
	if old := t.h.strings(tagOldFilenames); len(old) > 0 {
		names = old
	} else {
		dirs := t.h.strings(tagDirnames)
		idx := t.h.ints(tagDirIndexes)
		for i, base := range t.h.strings(tagBasenames) {
			dir := ""
			if i < len(idx) && idx[i] >= 0 && idx[i] < int64(len(dirs)) {
				dir = dirs[idx[i]]
			}
			names = append(names, dir+base)
		}
	}
	digests := t.h.strings(tagFileDigests)
	out := make(map[string]string, len(names))
	for i, n := range names {
		d := ""
		if i < len(digests) {
			d = digests[i]
		}
		out[strings.TrimPrefix(path.Clean("/"+n), "/")] = d
	}
	return out
}

// indexPayload reads the payload once: it lists the entries, copies their
// bytes into a spool, since a compressed stream has no random access, and
// checks every file's digest against the header.
func (t *Tree) indexPayload() error {
	payload := io.NewSectionReader(t.src, 0, t.src.Size())
	var r io.Reader = payload
	m := compress.Detect(format.Head(t.src, 16))
	t.Package.Compressor = m.String()
	if m != compress.None {
		zr, err := compress.NewReader(m, payload)
		if err != nil {
			return err
		}
		defer zr.Close()
		r = zr
	}
	cr := newCPIOReader(format.LimitReader(r, format.Budget(t.lim, t.src.Size())))
	declared := t.declared()
	newHash := digestAlgo(t.h.ints(tagFileDigestAlgo))
	t.spool = compress.NewSpool(compress.MemoryBudget)
	for n := 0; ; n++ {
		hdr, err := cr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if n >= t.lim.MaxEntries {
			t.namer.Add(format.Problem{Rule: format.RuleTooManyFiles, Message: fmt.Sprintf("payload has over %d entries; the rest are not listed", t.lim.MaxEntries), Offset: -1})
			return nil
		}
		mode := cpioMode(hdr.Mode)
		if !mode.IsRegular() && mode&fs.ModeSymlink == 0 {
			continue
		}
		name := t.namer.Clean(hdr.Name, -1)
		if hdr.Size > t.lim.MaxEntryBytes {
			t.namer.Add(format.Problem{Path: name, Rule: format.RuleEntryTooLarge, Offset: -1,
				Message: fmt.Sprintf("payload file %q declares %d bytes, over the %d-byte limit; not listed", hdr.Name, hdr.Size, t.lim.MaxEntryBytes)})
			continue
		}
		var w io.Writer = t.spool
		hash := newHash()
		if hash != nil {
			w = io.MultiWriter(t.spool, hash)
		}
		off := t.spool.Size()
		if _, err := io.Copy(w, cr); err != nil {
			return fmt.Errorf("%s: %w", hdr.Name, err)
		}
		section := t.spool.Section(off, hdr.Size)
		t.entries = append(t.entries, format.Entry{
			Name: name, Size: hdr.Size, Mode: mode, ModTime: time.Unix(hdr.Mtime, 0).UTC(),
			Open: func() (io.ReadCloser, error) {
				return format.NopCloser(io.NewSectionReader(section, 0, section.Size())), nil
			},
		})
		t.check(declared, name, hdr, hash)
	}
}

// checkDigest reports r's bytes not having the digest want that a header
// gives for them: the signature header's for the main header, the main
// header's for the compressed payload. rpm checks both before it installs.
func (t *Tree) checkDigest(want string, newHash func() hash.Hash, r io.Reader, what string, offset int64) {
	h := newHash()
	if want == "" || h == nil {
		return
	}
	io.Copy(h, r)
	if got := fmt.Sprintf("%x", h.Sum(nil)); got != want {
		t.namer.Add(format.Problem{Rule: RuleDigestMismatch, Offset: offset,
			Message: fmt.Sprintf("the %s has digest %s; the package says %s", what, got, want)})
	}
}

// check reports a payload file the header does not list, or whose digest
// differs from the one the header gives.
func (t *Tree) check(declared map[string]string, name string, hdr *cpioHeader, hash hash.Hash) {
	want, ok := declared[strings.TrimPrefix(path.Clean("/"+hdr.Name), "/")]
	switch {
	case !ok && len(declared) > 0:
		t.namer.Add(format.Problem{Path: name, Rule: RuleUndeclaredFile, Message: fmt.Sprintf("payload file %q is not in the header's file list", hdr.Name), Offset: -1})
	case ok && hash != nil && want != "" && cpioMode(hdr.Mode).IsRegular() && (hdr.Size > 0 || hdr.Nlink <= 1):
		if got := fmt.Sprintf("%x", hash.Sum(nil)); got != want {
			t.namer.Add(format.Problem{Path: name, Rule: RuleDigestMismatch, Message: fmt.Sprintf("payload file %q has digest %s; the header says %s", hdr.Name, got, want), Offset: -1})
		}
	}
}

// cpioMode converts a cpio mode to an fs.FileMode.
func cpioMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & 0o170000 {
	case 0o100000:
	case 0o040000:
		mode |= fs.ModeDir
	case 0o120000:
		mode |= fs.ModeSymlink
	default:
		mode |= fs.ModeIrregular
	}
	return mode
}
