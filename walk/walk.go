// Package walk opens a release artifact and every container nested in it,
// visiting each file once with its bytes and hash. It is the only place
// where one FS is opened inside another, so every bound on nesting, size
// and compression ratio is enforced here, whatever the format.
package walk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/report"
)

// Sep separates a container from a path inside it in display paths.
const Sep = "!/"

// headSize is how much of a file format.Match sees.
const headSize = 4096

// Node is one file: the root artifact, a file in a directory, or an entry
// in a container at any depth.
type Node struct {
	// Path is the display path: the root's base name (nothing for a
	// directory root), then each entry, with Sep at every container boundary.
	Path string
	// Rel is Path without the root's own name; "" for the root file. Two
	// releases are paired on Rel.
	Rel    string
	Depth  int // containers above this file
	Size   int64
	SHA256 string
	// Data holds the file's bytes, or its first Walker.MaxHeld bytes.
	Data []byte
	// Format names the container format the file was opened as, if any.
	Format string
}

// Problem is a finding the walker attaches to a file: a container it could
// not open, a bound it hit, a problem a format reported.
type Problem struct {
	Path    string // display path of the file it is about
	Rel     string
	Finding report.Finding
}

// Walker walks one artifact. Set the fields, then call Walk.
type Walker struct {
	Limits  format.Limits
	Formats []format.Format
	// Dirs are the layouts a directory root may be in; the first that
	// recognises the root opens it as a container.
	Dirs []format.DirFormat
	// MaxHeld bounds Node.Data; larger files are hashed in full and held
	// in part.
	MaxHeld int64
	// Visit is called for every file in walk order (depth first, names in
	// lexical order), a container before its contents.
	Visit func(n *Node)
	// Problem is called for everything that went wrong with a file. The
	// walk goes on.
	Problem func(p Problem)
	// Descend, if set, is asked before a container's contents are walked;
	// returning false skips them. Diff uses it to skip identical subtrees.
	Descend func(n *Node) bool

	total int64 // bytes read so far, against Limits.MaxTotalBytes
}

// DefaultMaxHeld is the default for Walker.MaxHeld.
const DefaultMaxHeld = 256 << 20

// containerHeld is how much of a container other than a PE is held for
// analysis.
const containerHeld = 4 << 20

// memoryLimit is the largest container held in memory rather than spilled
// to a temporary file for random access.
const memoryLimit = 16 << 20

// Rule IDs the walker reports.
const (
	RuleDepth     = "archive.depth-limit"
	RuleRecursive = "archive.recursive"
	RuleBomb      = "archive.ratio-limit"
	RuleTotal     = "archive.total-limit"
	RuleOpen      = "archive.unreadable"
	RulePartial   = "archive.partial-analysis"
)

// Rules describes the rules the walker and the format packages report.
func Rules() []report.Rule {
	return []report.Rule{
		{ID: format.RulePathTraversal, Level: report.High, Summary: "archive entry name escapes the archive", Help: "An entry is named with '..', an absolute path or a drive letter. Extracting it with a naive tool would write outside the target directory. vigil shows it under a safe name."},
		{ID: format.RuleTooManyFiles, Level: report.Medium, Summary: "archive has more entries than the limit", Help: "Only the first entries were read. Raise --max-entries to read them all."},
		{ID: format.RuleEntryTooLarge, Level: report.Medium, Summary: "archive entry larger than the limit", Help: "The entry was read up to the limit only."},
		{ID: format.RuleMalformed, Level: report.Low, Summary: "archive structure is damaged or ambiguous", Help: "A truncated entry, a bad checksum, a duplicate name. The readable part was analysed."},
		{ID: format.RuleUnsupported, Level: report.Low, Summary: "container could not be opened", Help: "A format or feature vigil does not read (encryption, an unsupported compression method, a missing external tool). Its contents were not analysed."},
		{ID: format.RuleDigestMismatch, Level: report.High, Summary: "package content does not match the package's own digests", Help: "A deb's md5sums, an rpm's file or payload digests, an apk's datahash or an image's blob digest disagree with the bytes: the file was changed after the package was built and signed."},
		{ID: format.RuleUndeclaredFile, Level: report.Medium, Summary: "payload file the package header does not list", Help: "The rpm payload carries a file its header does not declare; rpm would install it without recording it."},
		{ID: "asar.unpacked", Level: report.Low, Summary: "asar entry stored outside the archive", Help: "The entry is marked unpacked: its bytes live in app.asar.unpacked/ beside the archive, which vigil reads only if it is given that directory."},
		{ID: "asar.integrity", Level: report.High, Summary: "asar entry does not match its recorded integrity hash", Help: "Electron's asar header records a SHA-256 per file; the bytes differ, so the archive was edited after it was packed."},
		{ID: "nsis.crc-mismatch", Level: report.Medium, Summary: "NSIS installer data fails its own CRC", Help: "The installer's CRC32 over its data does not match: it was truncated or edited after makensis built it."},
		{ID: RuleDepth, Level: report.Medium, Summary: "containers nested deeper than the limit", Help: "Containers nested beyond --max-depth are hashed but not opened."},
		{ID: RuleRecursive, Level: report.High, Summary: "archive contains itself", Help: "A container holds a copy of one of the containers around it (a quine or self-nesting archive). It is not opened again."},
		{ID: RuleBomb, Level: report.High, Summary: "decompression bomb", Help: "A container unpacked to far more bytes than its own size allows (--max-ratio). Reading stopped."},
		{ID: RuleTotal, Level: report.Medium, Summary: "total unpacked size over the limit", Help: "The walk stopped opening containers after --max-total bytes."},
		{ID: RuleOpen, Level: report.Low, Summary: "file could not be read", Help: "An entry failed to decompress or read. The rest of the report goes on."},
		{ID: RulePartial, Level: report.Low, Summary: "file analysed in part", Help: "The file is larger than the analysis bound; its hash covers all of it, the analysis only its start."},
	}
}

// Walk visits the artifact at root, a file or a directory.
func (w *Walker) Walk(ctx context.Context, root string) error {
	info, err := os.Stat(root)
	if err != nil {
		return err
	}
	if info.IsDir() {
		fsys := os.DirFS(root)
		for _, d := range w.Dirs {
			if !d.Is(fsys) {
				continue
			}
			opened, err := d.Open(fsys, w.Limits)
			if err != nil {
				return fmt.Errorf("%s layout: %w", d.Name, err)
			}
			if pr, ok := opened.(format.ProblemReporter); ok {
				for _, p := range pr.Problems() {
					w.formatProblem("", "", p)
				}
			}
			return w.walkFS(ctx, opened, "", "", 0, nil, w.Limits.MaxTotalBytes)
		}
		return w.walkFS(ctx, fsys, "", "", 0, nil, w.Limits.MaxTotalBytes)
	}
	f, err := os.Open(root)
	if err != nil {
		return err
	}
	defer f.Close()
	name := filepath.Base(root)
	return w.visitFile(ctx, f, info.Size(), name, name, "", 0, nil, w.Limits.MaxEntryBytes)
}

// walkFS visits every regular file in fsys. prefix and relPrefix are the
// display and relative paths of the container, "" for a directory root.
// budget is how many bytes the container may unpack to before it counts
// as a decompression bomb.
func (w *Walker) walkFS(ctx context.Context, fsys fs.FS, prefix, relPrefix string, depth int, ancestors []string, budget int64) error {
	start := w.total
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		display, rel := join(prefix, p), join(relPrefix, p)
		left := budget - (w.total - start)
		if left <= 0 {
			container := strings.TrimSuffix(prefix, Sep)
			w.problem(container, strings.TrimSuffix(relPrefix, Sep), RuleBomb, report.High,
				fmt.Sprintf("unpacked over %d bytes; the rest of the container was skipped", budget), "")
			return fs.SkipAll
		}
		if err != nil {
			if p != "." {
				w.problem(display, rel, RuleOpen, report.Low, fmt.Sprintf("cannot list: %v", err), p)
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		f, err := fsys.Open(p)
		if err != nil {
			w.problem(display, rel, RuleOpen, report.Low, fmt.Sprintf("cannot open: %v", err), p)
			return nil
		}
		size := int64(-1)
		if info, err := f.Stat(); err == nil {
			size = info.Size()
		}
		err = w.visitFile(ctx, f, size, p, display, rel, depth, ancestors, min(left, w.Limits.MaxEntryBytes))
		f.Close()
		return err
	})
}

func join(prefix, p string) string {
	switch {
	case prefix == "":
		return p
	case strings.HasSuffix(prefix, Sep):
		return prefix + p
	}
	return prefix + "/" + p
}

// visitFile reads one file, reports it, and descends into it if it is a
// container. declared is the size the container claims, -1 if unknown.
func (w *Walker) visitFile(ctx context.Context, r io.Reader, declared int64, name, display, rel string, depth int, ancestors []string, limit int64) error {
	br := newBuffered(r)
	head := br.peek(headSize)
	var candidates []format.Format
	for _, f := range w.Formats {
		if f.Match(path.Base(name), head) {
			candidates = append(candidates, f)
		}
	}
	held := w.MaxHeld
	if len(candidates) > 0 && !bytes.HasPrefix(head, []byte("MZ")) {
		// An archive's own bytes tell analyzers little; its entries are
		// analysed one by one. A PE installer is held whole, since its
		// signature covers all of it.
		held = min(held, containerHeld)
	}
	content, err := w.read(br, declared, limit, held, len(candidates) > 0)
	if content != nil {
		defer content.release()
	}
	if err != nil {
		if content == nil || content.size == 0 {
			w.problem(display, rel, RuleOpen, report.Low, fmt.Sprintf("cannot read: %v", err), "")
			return nil
		}
		rule, level := RuleOpen, report.Low
		if errors.Is(err, format.ErrLimit) {
			rule, level = format.RuleEntryTooLarge, report.Medium
		}
		w.problem(display, rel, rule, level, fmt.Sprintf("read stopped after %d bytes: %v", content.size, err), "")
	}
	n := &Node{Path: display, Rel: rel, Depth: depth, Size: content.size, SHA256: content.sum, Data: content.held}
	// The node owns the held bytes now: content stays alive while the
	// container's entries are walked, and must not keep them from the
	// collector once the node's analysis is done.
	content.held = nil
	if content.size > int64(len(n.Data)) && len(candidates) == 0 {
		w.problem(display, rel, RulePartial, report.Low, fmt.Sprintf("only the first %d of %d bytes analysed", len(n.Data), content.size), "")
	}
	if len(candidates) == 0 {
		w.Visit(n)
		return nil
	}
	switch {
	case depth >= w.Limits.MaxDepth:
		w.Visit(n)
		w.problem(display, rel, RuleDepth, report.Medium, fmt.Sprintf("container nested %d deep; not opened", depth+1), "")
		return nil
	case contains(ancestors, content.sum):
		w.Visit(n)
		w.problem(display, rel, RuleRecursive, report.High, "container holds a copy of a container around it; not opened again", content.sum)
		return nil
	case w.total > w.Limits.MaxTotalBytes:
		w.Visit(n)
		w.problem(display, rel, RuleTotal, report.Medium, fmt.Sprintf("over %d bytes unpacked in all; not opened", w.Limits.MaxTotalBytes), "")
		return nil
	}
	var fsys fs.FS
	var openErr error
	for _, f := range candidates {
		fsys, openErr = f.Open(path.Base(name), content.source(), w.Limits)
		if errors.Is(openErr, format.ErrNotFormat) {
			continue
		}
		n.Format = f.Name
		break
	}
	w.Visit(n)
	if n.Format == "" {
		return nil
	}
	if openErr != nil {
		w.problem(display, rel, format.RuleUnsupported, report.Low, fmt.Sprintf("%s: cannot open: %v", n.Format, openErr), "")
		return nil
	}
	if w.Descend != nil && !w.Descend(n) {
		return nil
	}
	if pr, ok := fsys.(format.ProblemReporter); ok {
		for _, p := range pr.Problems() {
			w.formatProblem(display, rel, p)
		}
	}
	budget := max(w.Limits.MaxRatio*content.size, format.MinBudget)
	return w.walkFS(ctx, fsys, display+Sep, rel+Sep, depth+1, append(ancestors, content.sum), budget)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (w *Walker) problem(display, rel, rule string, level report.Level, msg, match string) {
	if w.Problem == nil {
		return
	}
	w.Problem(Problem{Path: display, Rel: rel, Finding: report.Finding{
		Rule: rule, Level: level, Message: msg, Match: report.Snippet(match), Offset: -1,
	}})
}

func (w *Walker) formatProblem(display, rel string, p format.Problem) {
	level := report.Low
	for _, r := range Rules() {
		if r.ID == p.Rule {
			level = r.Level
		}
	}
	if p.Path != "" {
		display, rel = join(display+Sep, p.Path), join(rel+Sep, p.Path)
		if display == rel { // a directory root: no container name before it
			display, rel = p.Path, p.Path
		}
	}
	msg := p.Message
	if level > report.Medium && inTestData(rel) {
		// Test suites carry hostile archives on purpose, to test their
		// own defences; nothing installs them.
		level, msg = report.Medium, msg+" (in test data)"
	}
	if w.Problem != nil {
		w.Problem(Problem{Path: display, Rel: rel, Finding: report.Finding{
			Rule: p.Rule, Level: level, Message: msg, Offset: p.Offset, Match: report.Snippet(p.Path),
		}})
	}
}

// inTestData reports whether a path lies in a test-data directory.
func inTestData(rel string) bool {
	for _, part := range strings.FieldsFunc(rel, func(r rune) bool { return r == '/' || r == '!' }) {
		switch strings.ToLower(part) {
		case "testdata", "test", "tests", "__tests__", "fixtures", "test-fixtures":
			return true
		}
	}
	return false
}

// content is a file's bytes as read: the held prefix for analysis, and a
// random-access source for a container.
type content struct {
	size int64
	sum  string
	held []byte
	all  []byte   // whole file, when it fits in memory and may be a container
	tmp  *os.File // whole file, spilled, when it does not
}

func (c *content) source() format.Source {
	if c.tmp != nil {
		return io.NewSectionReader(c.tmp, 0, c.size)
	}
	return bytes.NewReader(c.all)
}

func (c *content) release() {
	if c.tmp != nil {
		c.tmp.Close()
	}
}

// read hashes the whole of r, holds up to MaxHeld bytes and, if whole is
// set, keeps every byte in memory or in an anonymous temporary file.
func (w *Walker) read(r io.Reader, declared, limit, maxHeld int64, whole bool) (*content, error) {
	c := &content{}
	h := sha256.New()
	lr := format.LimitReader(r, limit)
	var err error
	if whole && declared <= memoryLimit && declared >= 0 || whole && declared < 0 {
		var buf bytes.Buffer
		_, err = io.Copy(&buf, io.LimitReader(lr, memoryLimit+1))
		if err == nil && buf.Len() > memoryLimit {
			c.tmp, err = spill(&buf, lr)
		} else {
			c.all = buf.Bytes()
		}
	} else if whole {
		c.tmp, err = spill(nil, lr)
	}
	var stream io.Reader = lr
	switch {
	case c.tmp != nil:
		if _, serr := c.tmp.Seek(0, io.SeekStart); serr != nil && err == nil {
			err = serr
		}
		stream = c.tmp
	case c.all != nil:
		stream = bytes.NewReader(c.all)
	}
	held := &heldWriter{max: maxHeld}
	if declared > 0 && c.all == nil {
		// A size the container declares is only a hint: a hostile one
		// must not buy a large allocation before any byte arrives.
		held.buf = make([]byte, 0, min(declared, maxHeld, 1<<20))
	}
	n, cerr := io.Copy(io.MultiWriter(h, held), stream)
	if err == nil {
		err = cerr
	}
	c.size = n
	c.sum = hex.EncodeToString(h.Sum(nil))
	if c.all != nil && int64(len(c.all)) <= maxHeld {
		c.held = c.all
	} else {
		c.held = held.buf
	}
	w.total += n
	return c, err
}

// spill writes buffered bytes and the rest of r to an unnamed temporary
// file, named by vigil and removed at once, never by the archive.
func spill(buf *bytes.Buffer, r io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "vigil-spill-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	if buf != nil {
		if _, err := buf.WriteTo(f); err != nil {
			f.Close()
			return nil, err
		}
	}
	if _, err := io.Copy(f, r); err != nil {
		return f, err
	}
	return f, nil
}

type heldWriter struct {
	buf []byte
	max int64
}

func (h *heldWriter) Write(p []byte) (int, error) {
	if room := h.max - int64(len(h.buf)); room > 0 {
		if int64(len(p)) < room {
			room = int64(len(p))
		}
		h.buf = append(h.buf, p[:room]...)
	}
	return len(p), nil
}

// buffered lets the walker peek at a file's head before reading it.
type buffered struct {
	r    io.Reader
	head []byte
	off  int
}

func newBuffered(r io.Reader) *buffered { return &buffered{r: r} }

func (b *buffered) peek(n int) []byte {
	buf := make([]byte, n)
	m, _ := io.ReadFull(b.r, buf)
	b.head = buf[:m]
	return b.head
}

func (b *buffered) Read(p []byte) (int, error) {
	if b.off < len(b.head) {
		n := copy(p, b.head[b.off:])
		b.off += n
		return n, nil
	}
	return b.r.Read(p)
}
