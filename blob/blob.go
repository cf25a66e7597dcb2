// Package blob is a content-addressed store of release artifacts on local
// disk. A blob is named by the SHA-256 of its bytes and is only ever visible
// complete: it is streamed to a temporary file in the store's own directory,
// hashed, synced and then renamed into place, so a crash or a cut connection
// leaves at most a stray temporary file, never a partial blob.
package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrTooLarge is returned by Put when the stream exceeds the store's bound.
var ErrTooLarge = errors.New("blob: artifact exceeds size limit")

// DefaultMaxSize bounds one artifact: large enough for a desktop installer
// or a container layer, small enough that a hostile server cannot fill the
// disk with one response.
const DefaultMaxSize = 2 << 30

// Store keeps blobs under Dir as Dir/ab/abcdef… (sha256 hex).
type Store struct {
	Dir     string
	MaxSize int64 // zero: DefaultMaxSize
}

// staleAge is how old a temporary file must be before Open deletes it.
// Several watchers may share one store, so a young temporary file may be
// another process's download in progress; every download has a much
// shorter timeout than this.
const staleAge = time.Hour

// Open returns a store rooted at dir, creating it if needed, and removes
// temporary files left by a process that died mid-download.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, "tmp", "put-*"))
	for _, t := range tmps {
		if fi, err := os.Stat(t); err == nil && time.Since(fi.ModTime()) > staleAge {
			os.Remove(t)
		}
	}
	return &Store{Dir: dir}, nil
}

// Info describes a stored blob.
type Info struct {
	SHA256 string // lowercase hex
	Size   int64
}

// Put streams r into the store and returns its hash and size. Nothing is
// stored when r fails or is longer than the size bound.
func (s *Store) Put(r io.Reader) (Info, error) {
	max := s.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	f, err := os.CreateTemp(filepath.Join(s.Dir, "tmp"), "put-*")
	if err != nil {
		return Info{}, err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, max+1))
	if err == nil && n > max {
		err = fmt.Errorf("%w (%d bytes)", ErrTooLarge, max)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Info{}, err
	}
	info := Info{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	dst := s.Path(info.SHA256)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return Info{}, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return Info{}, err
	}
	syncDir(filepath.Dir(dst))
	return info, nil
}

// Path is where the blob with the given hash lives (whether or not it
// exists). It panics on a hash that is not 64 hex digits, which would be a
// programming error: hashes come from Put or from the database.
func (s *Store) Path(sha string) string {
	if !ValidHash(sha) {
		panic("blob: invalid hash " + sha)
	}
	return filepath.Join(s.Dir, sha[:2], sha)
}

// Has reports whether the blob is stored.
func (s *Store) Has(sha string) bool {
	if !ValidHash(sha) {
		return false
	}
	_, err := os.Stat(s.Path(sha))
	return err == nil
}

// ValidHash reports whether sha is a lowercase hex SHA-256.
func ValidHash(sha string) bool {
	if len(sha) != 64 || strings.ToLower(sha) != sha {
		return false
	}
	_, err := hex.DecodeString(sha)
	return err == nil
}

// syncDir makes a rename durable. Errors are ignored: some filesystems do
// not support syncing a directory, and the blob itself is already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
