package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPut(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("installer bytes")
	info, err := s.Put(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if info.SHA256 != hex.EncodeToString(sum[:]) || info.Size != int64(len(data)) {
		t.Fatalf("Put = %+v", info)
	}
	got, err := os.ReadFile(s.Path(info.SHA256))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("stored %q, %v", got, err)
	}
	if !s.Has(info.SHA256) || s.Has("00") {
		t.Fatal("Has is wrong")
	}
	// Same bytes again: same name, no error.
	if again, err := s.Put(bytes.NewReader(data)); err != nil || again != info {
		t.Fatalf("second Put = %+v, %v", again, err)
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := min(len(p), r.n)
	r.n -= n
	return n, nil
}

// TestPartialNeverStored checks that a cut stream and an oversized stream
// leave nothing behind: neither a blob nor a temporary file.
func TestPartialNeverStored(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.MaxSize = 100
	if _, err := s.Put(&failingReader{n: 50}); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut stream: err = %v", err)
	}
	if _, err := s.Put(bytes.NewReader(make([]byte, 101))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized: err = %v", err)
	}
	if _, err := s.Put(bytes.NewReader(make([]byte, 100))); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	var files []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 1 {
		t.Fatalf("files left: %v", files)
	}
}

func TestOpenRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "tmp", "put-123")
	young := filepath.Join(dir, "tmp", "put-456")
	os.WriteFile(stale, []byte("half"), 0o644)
	os.WriteFile(young, []byte("in progress"), 0o644)
	old := time.Now().Add(-2 * staleAge)
	os.Chtimes(stale, old, old)
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatal("stale temp file survived Open")
	}
	if _, err := os.Stat(young); err != nil {
		t.Fatal("Open removed another process's download in progress")
	}
}
