package format

import (
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// Entry is one file a container declares. Formats describe their entries
// this way and let Tree provide the fs.FS around them.
type Entry struct {
	Name    string // from Namer.Clean
	Size    int64  // declared uncompressed size, -1 if unknown
	Mode    fs.FileMode
	ModTime time.Time
	// Open returns the entry's bytes. It must stop with an error wrapping
	// ErrLimit after lim.MaxEntryBytes; LimitReader helps.
	Open func() (io.ReadCloser, error)
}

// Tree is a read-only fs.FS over a list of entries, with the directories
// between them made up. It implements ProblemReporter.
type Tree struct {
	files    map[string]*Entry
	dirs     map[string][]fs.DirEntry
	problems []Problem
}

// NewTree builds a Tree. Entries must already have unique, valid names.
func NewTree(entries []Entry, problems []Problem) *Tree {
	t := &Tree{files: map[string]*Entry{}, dirs: map[string][]fs.DirEntry{".": nil}, problems: problems}
	for i := range entries {
		e := &entries[i]
		if e.Mode.IsDir() {
			t.addDir(e.Name)
			continue
		}
		t.files[e.Name] = e
		t.addDir(path.Dir(e.Name))
		dir := path.Dir(e.Name)
		t.dirs[dir] = append(t.dirs[dir], fs.FileInfoToDirEntry(entryInfo{e}))
	}
	for _, list := range t.dirs {
		sort.Slice(list, func(i, j int) bool { return list[i].Name() < list[j].Name() })
	}
	return t
}

func (t *Tree) addDir(dir string) {
	for dir != "." {
		if _, ok := t.dirs[dir]; ok {
			return
		}
		if _, clash := t.files[dir]; clash {
			return
		}
		t.dirs[dir] = nil
		parent := path.Dir(dir)
		t.addDir(parent)
		t.dirs[parent] = append(t.dirs[parent], fs.FileInfoToDirEntry(dirInfo(path.Base(dir))))
	}
}

// Problems implements ProblemReporter.
func (t *Tree) Problems() []Problem { return t.problems }

// Open implements fs.FS.
func (t *Tree) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if e, ok := t.files[name]; ok {
		rc, err := e.Open()
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &file{rc: rc, info: entryInfo{e}}, nil
	}
	if list, ok := t.dirs[name]; ok {
		return &dir{name: name, list: list}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ReadDir implements fs.ReadDirFS.
func (t *Tree) ReadDir(name string) ([]fs.DirEntry, error) {
	list, ok := t.dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return append([]fs.DirEntry(nil), list...), nil
}

type entryInfo struct{ e *Entry }

func (i entryInfo) Name() string       { return path.Base(i.e.Name) }
func (i entryInfo) Size() int64        { return i.e.Size }
func (i entryInfo) Mode() fs.FileMode  { return i.e.Mode &^ fs.ModeDir }
func (i entryInfo) ModTime() time.Time { return i.e.ModTime }
func (i entryInfo) IsDir() bool        { return false }
func (i entryInfo) Sys() any           { return nil }

type dirInfo string

func (d dirInfo) Name() string       { return string(d) }
func (d dirInfo) Size() int64        { return 0 }
func (d dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (d dirInfo) ModTime() time.Time { return time.Time{} }
func (d dirInfo) IsDir() bool        { return true }
func (d dirInfo) Sys() any           { return nil }

type file struct {
	rc   io.ReadCloser
	info entryInfo
}

func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *file) Read(p []byte) (int, error) { return f.rc.Read(p) }
func (f *file) Close() error               { return f.rc.Close() }

type dir struct {
	name string
	list []fs.DirEntry
	pos  int
}

func (d *dir) Stat() (fs.FileInfo, error) { return dirInfo(path.Base(d.name)), nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: fs.ErrInvalid}
}
func (d *dir) Close() error { return nil }
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.list[d.pos:]
	if n <= 0 {
		d.pos = len(d.list)
		return append([]fs.DirEntry(nil), rest...), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.pos += n
	return append([]fs.DirEntry(nil), rest[:n]...), nil
}

// LimitReader returns r, failing with an ErrLimit error once more than max
// bytes have been read. Formats wrap every decompressor in it.
func LimitReader(r io.Reader, max int64) io.Reader {
	return &limitReader{r: r, left: max, max: max}
}

type limitReader struct {
	r         io.Reader
	left, max int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, LimitError("entry bytes", l.max)
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n - 1, LimitError("entry bytes", l.max)
	}
	return n, err
}

// NopCloser is io.NopCloser, named here so formats need one import.
func NopCloser(r io.Reader) io.ReadCloser { return io.NopCloser(r) }

// HasExt reports whether name ends in one of exts, ignoring case.
func HasExt(name string, exts ...string) bool {
	lower := strings.ToLower(name)
	for _, e := range exts {
		if strings.HasSuffix(lower, e) {
			return true
		}
	}
	return false
}
