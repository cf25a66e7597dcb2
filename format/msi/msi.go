// Package msi opens Windows Installer databases (.msi, .msm) as an fs.FS.
//
// An MSI is a compound file holding a small relational database and
// streams. The files it installs sit in cabinets, embedded as streams or
// shipped beside it; the File, Component and Directory tables say where
// each cabinet member is installed. Open shows every file of an embedded
// cabinet at its install path, such as
// "ProgramFilesFolder/Vendor/App/app.exe", the Binary and Icon tables'
// streams (custom action DLLs and scripts live there) under "[Binary]/" and
// "[Icon]/", the summary information as the text file
// "[SummaryInformation].txt", and any other stream under "[Streams]/", so
// that nothing in the file goes unseen.
package msi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/richardlehane/mscfb"
	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/cab"
)

// Format recognises and opens Windows Installer databases.
var Format = format.Format{
	Name:  "msi",
	Match: Match,
	Open:  Open,
}

var magic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Match reports whether head starts a compound file. Word and Excel files
// are compound files too; Open tells them apart by their streams.
func Match(name string, head []byte) bool { return bytes.HasPrefix(head, magic) }

// maxTableBytes bounds one table or string stream read into memory.
const maxTableBytes = 32 << 20

// maxStreams bounds the streams listed from one compound file.
const maxStreams = 100_000

// Open lists the files of the installer in src.
func Open(name string, src format.Source, lim format.Limits) (fsys fs.FS, err error) {
	// mscfb parses hostile input; a panic in it must not end the scan.
	defer func() {
		if r := recover(); r != nil {
			fsys, err = nil, fmt.Errorf("msi: compound file reader failed: %v", r)
		}
	}()
	doc, err := mscfb.New(src)
	if err != nil {
		return nil, fmt.Errorf("msi: %w", err)
	}
	db := &database{doc: doc, lim: lim, size: src.Size(), taken: map[string]bool{}, streams: map[string]*mscfb.File{}, tables: map[string]*mscfb.File{}}
	for _, f := range doc.File {
		if len(f.Path) != 0 || f.FileInfo().IsDir() {
			continue // MSIs keep all streams in the root storage
		}
		if len(db.streams)+len(db.tables) >= maxStreams {
			db.namer.Add(format.Problem{Rule: format.RuleTooManyFiles, Message: fmt.Sprintf("over %d streams; the rest are not listed", maxStreams), Offset: -1})
			break
		}
		n, isTable := decodeName(f.Name)
		if isTable {
			db.tables[n] = f
		} else {
			db.streams[n] = f
			db.order = append(db.order, n)
		}
	}
	if db.tables["_StringPool"] == nil || db.tables["_Columns"] == nil {
		return nil, fmt.Errorf("msi: compound file without an installer database: %w", format.ErrNotFormat)
	}
	if err := db.readSchema(); err != nil {
		// Without the database the streams are still worth seeing;
		// embedded cabinets among them are opened by the walker.
		db.problem("", -1, format.RuleMalformed, "installer database unreadable: %v", err)
	} else {
		db.listCabinets()
	}
	db.listStreams()
	return format.NewTree(db.entries, db.namer.Problems()), nil
}

// database is an MSI being listed.
type database struct {
	doc     *mscfb.Reader
	mu      sync.Mutex // mscfb reads share state
	lim     format.Limits
	size    int64                  // of the compound file, which no stream can exceed
	streams map[string]*mscfb.File // by decoded name
	order   []string               // stream names in directory order
	tables  map[string]*mscfb.File
	used    map[string]bool // streams already shown
	inMem   int64           // bytes of cabinet streams held in memory
	taken   map[string]bool // install paths listed, lower case
	pool    *stringPool
	schema  map[string][]column
	entries []format.Entry
	namer   format.Namer
}

func (db *database) problem(path string, off int64, rule, msg string, args ...any) {
	db.namer.Add(format.Problem{Path: path, Rule: rule, Message: fmt.Sprintf(msg, args...), Offset: off})
}

// read returns the whole of stream f, at most max bytes.
func (db *database) read(f *mscfb.File, max int64) (b []byte, err error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("msi: reading stream: %v", r)
		}
	}()
	if err := db.checkSize(f, max); err != nil {
		return nil, err
	}
	if f.Size == 0 {
		return nil, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	b = make([]byte, f.Size)
	n, err := io.ReadFull(f, b)
	if err != nil {
		return b[:n], fmt.Errorf("msi: stream truncated after %d of %d bytes: %w", n, f.Size, err)
	}
	return b, nil
}

// checkSize refuses streams over max bytes, and streams larger than the
// file, which only a sector chain that loops could fill.
func (db *database) checkSize(f *mscfb.File, max int64) error {
	if f.Size > max && max > 0 {
		return format.LimitError("stream bytes", max)
	}
	if f.Size > db.size {
		return fmt.Errorf("msi: stream declares %d bytes, more than the %d-byte file", f.Size, db.size)
	}
	return nil
}

// spool copies stream f, at most max bytes, to a Source: memory up to
// budget bytes, else an unnamed temporary file.
func (db *database) spool(f *mscfb.File, max, budget int64) (format.Source, error) {
	if err := db.checkSize(f, max); err != nil {
		return nil, err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if f.Size > 0 {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
	}
	var err error
	var src format.Source
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("msi: reading stream: %v", r)
			}
		}()
		src, err = cab.Spool(io.LimitReader(f, f.Size), f.Size, budget)
	}()
	if src != nil && err == nil && src.Size() < f.Size {
		err = fmt.Errorf("msi: stream truncated after %d of %d bytes", src.Size(), f.Size)
	}
	return src, err
}

func (db *database) table(name string) ([]byte, error) {
	f := db.tables[name]
	if f == nil {
		return nil, nil
	}
	return db.read(f, maxTableBytes)
}

// readSchema reads the string pool and _Columns.
func (db *database) readSchema() error {
	pool, err := db.table("_StringPool")
	if err != nil {
		return err
	}
	data, err := db.table("_StringData")
	if err != nil {
		return err
	}
	if db.pool, err = readStringPool(pool, data); err != nil {
		return err
	}
	cols, err := db.table("_Columns")
	if err != nil {
		return err
	}
	db.schema, err = schemas(cols, db.pool)
	return err
}

// loadTable decodes the named table; a missing table is empty.
func (db *database) loadTable(name string) (*table, error) {
	cols, ok := db.schema[name]
	if !ok {
		return &table{}, nil
	}
	data, err := db.table(name)
	if err != nil {
		return nil, err
	}
	t, err := decodeTable(data, cols, db.pool)
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}
	return t, nil
}

// listCabinets lists the members of every embedded cabinet the Media
// table names, at their install paths.
func (db *database) listCabinets() {
	tabs := map[string]*table{}
	for _, n := range []string{"File", "Component", "Directory", "Media"} {
		t, err := db.loadTable(n)
		if err != nil {
			db.problem("", -1, format.RuleMalformed, "%v", err)
			t = &table{}
		}
		tabs[n] = t
	}
	paths := installPaths(tabs["File"], tabs["Component"], newDirResolver(tabs["Directory"]))
	media := tabs["Media"]
	cabCol := media.col("Cabinet")
	var cabs []string
	for r := range media.rows {
		if c := media.str(r, cabCol); strings.HasPrefix(c, "#") {
			cabs = append(cabs, c[1:])
		}
	}
	for _, name := range cabs {
		db.listCabinet(name, paths)
	}
}

// installPaths maps File keys to install paths.
func installPaths(file, comp *table, dirs *dirResolver) map[string]string {
	compDir := map[string]string{}
	cKey, cDir := comp.col("Component"), comp.col("Directory_")
	for r := range comp.rows {
		compDir[comp.str(r, cKey)] = comp.str(r, cDir)
	}
	out := map[string]string{}
	fKey, fComp, fName := file.col("File"), file.col("Component_"), file.col("FileName")
	for r := range file.rows {
		name := targetName(file.str(r, fName))
		dir, ok := dirs.path(compDir[file.str(r, fComp)])
		if !ok {
			dir = "[UnresolvedDirectory]/" + dir
		}
		if dir != "" {
			name = dir + "/" + name
		}
		out[file.str(r, fKey)] = name
	}
	return out
}

func (db *database) listCabinet(name string, paths map[string]string) {
	f := db.streams[name]
	if f == nil {
		db.problem("", -1, format.RuleMalformed, "Media table names embedded cabinet %q, which is missing", name)
		return
	}
	if db.used[name] {
		return
	}
	db.markUsed(name)
	// Cabinets stay in use as long as the listing: they share one memory
	// budget, so an installer of many cabinets spills to disk.
	src, err := db.spool(f, db.lim.MaxTotalBytes, max(cab.MemoryBudget-db.inMem, 0))
	if r, ok := src.(*bytes.Reader); ok {
		db.inMem += r.Size()
	}
	if err != nil || src == nil {
		rule := format.RuleMalformed
		if errors.Is(err, format.ErrLimit) {
			rule = format.RuleEntryTooLarge
		}
		db.problem("", -1, rule, "cabinet %q: %v", name, err)
		if src == nil {
			return
		}
	}
	c, err := cab.Parse(src, db.lim)
	if err != nil {
		db.problem("", -1, format.RuleMalformed, "cabinet %q: %v", name, err)
		return
	}
	for _, p := range c.Problems() {
		p.Message = fmt.Sprintf("cabinet %q: %s", name, p.Message)
		p.Offset = -1 // offsets are in the cabinet, not the MSI
		db.namer.Add(p)
	}
	for i := range c.Files {
		cf := &c.Files[i]
		p, ok := paths[cf.Name]
		if !ok {
			p = "[Cabinet]/" + name + "/" + cf.Name
		}
		if db.taken[strings.ToLower(p)] {
			// Components installed under conditions (x86 or x64, say) can
			// put two files at one path. That is normal, so the later one
			// gets its File key as a directory rather than a duplicate
			// name problem; its base name stays as it would install.
			dir, base := "", p
			if i := strings.LastIndexByte(p, '/'); i >= 0 {
				dir, base = p[:i+1], p[i+1:]
			}
			p = dir + "[" + cf.Name + "]/" + base
		}
		db.taken[strings.ToLower(p)] = true
		db.entries = append(db.entries, format.Entry{
			Name:    db.namer.Clean(p, -1),
			Size:    cf.Size,
			Mode:    0o444,
			ModTime: cf.ModTime,
			Open:    func() (io.ReadCloser, error) { return c.Open(i) },
		})
	}
}

func (db *database) markUsed(name string) {
	if db.used == nil {
		db.used = map[string]bool{}
	}
	db.used[name] = true
}

// listStreams lists the streams not shown as cabinet members: Binary and
// Icon table data under "[Binary]/" and "[Icon]/", the rest under
// "[Streams]/".
func (db *database) listStreams() {
	names := append([]string(nil), db.order...)
	sort.Strings(names)
	for _, n := range names {
		if db.used[n] {
			continue
		}
		p := "[Streams]/" + n
		for _, t := range []string{"Binary", "Icon"} {
			if rest, ok := strings.CutPrefix(n, t+"."); ok {
				p = "[" + t + "]/" + rest
			}
		}
		f := db.streams[n]
		if n == "SummaryInformation" && f.Initial == 5 && db.addSummary(f) {
			continue
		}
		db.entries = append(db.entries, format.Entry{
			Name: db.namer.Clean(p, -1),
			Size: f.Size,
			Mode: 0o444,
			Open: func() (io.ReadCloser, error) {
				src, err := db.spool(f, db.lim.MaxEntryBytes, cab.MemoryBudget)
				if src == nil {
					return nil, err
				}
				var r io.Reader = io.NewSectionReader(src, 0, src.Size())
				if err != nil {
					r = io.MultiReader(r, errReader{err})
				}
				return format.NopCloser(r), nil
			},
		})
	}
}

// addSummary lists the summary information as the text file
// "[SummaryInformation].txt", and reports whether it could.
func (db *database) addSummary(f *mscfb.File) bool {
	b, err := db.read(f, maxSummaryBytes)
	if err != nil {
		return false
	}
	text, err := summaryText(b)
	if err != nil {
		return false
	}
	db.entries = append(db.entries, format.Entry{
		Name: db.namer.Clean("[SummaryInformation].txt", -1),
		Size: int64(len(text)),
		Mode: 0o444,
		Open: func() (io.ReadCloser, error) { return format.NopCloser(strings.NewReader(text)), nil },
	})
	return true
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
