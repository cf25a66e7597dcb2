package format

import (
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestTreeIsAnFS(t *testing.T) {
	var n Namer
	mk := func(name, body string) Entry {
		return Entry{Name: n.Clean(name, 0), Size: int64(len(body)), Mode: 0o644,
			Open: func() (io.ReadCloser, error) { return NopCloser(strings.NewReader(body)), nil }}
	}
	tree := NewTree([]Entry{mk("a/b/c.txt", "c"), mk("../../etc/passwd", "p"), mk("a/b/c.txt", "dup"), mk("top", "t")}, n.Problems())
	if err := fstest.TestFS(tree, "a/b/c.txt", "etc/passwd", "a/b/c.txt~2", "top"); err != nil {
		t.Fatal(err)
	}
	ps := tree.Problems()
	if len(ps) != 2 || ps[0].Rule != RulePathTraversal || ps[1].Rule != RuleMalformed {
		t.Fatalf("problems = %+v", ps)
	}
	b, err := fs.ReadFile(tree, "a/b/c.txt~2")
	if err != nil || string(b) != "dup" {
		t.Fatalf("read dup = %q, %v", b, err)
	}
}

func TestLimitReader(t *testing.T) {
	b, err := io.ReadAll(LimitReader(strings.NewReader("0123456789"), 4))
	if err == nil || len(b) != 4 {
		t.Fatalf("got %q, %v", b, err)
	}
	b, err = io.ReadAll(LimitReader(strings.NewReader("0123"), 4))
	if err != nil || string(b) != "0123" {
		t.Fatalf("got %q, %v", b, err)
	}
}
