package textdiff

import (
	"reflect"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	for _, tc := range []struct {
		old, new string
		added    []int
		removed  int
	}{
		{"a\nb\nc\n", "a\nb\nc\n", nil, 0},
		{"a\nb\nc\n", "a\nb\nc\nevil\n", []int{4}, 0},
		{"a\nb\nc\n", "a\nevil\nb\nc\n", []int{2}, 0},
		{"a\nb\nc\n", "a\nB\nc\n", []int{2}, 1},
		{"a\nb\nc\nd\ne\n", "x\na\nc\ne\ny\n", []int{1, 5}, 2},
		{"", "a\nb\n", []int{1, 2}, 0},
		{"a\nb\n", "", nil, 2},
		{"a\r\nb\r\n", "a\nb\n", nil, 0},
	} {
		got := Lines([]byte(tc.old), []byte(tc.new))
		if !reflect.DeepEqual(got.Added, tc.added) || got.Removed != tc.removed {
			t.Errorf("Lines(%q, %q) = %+v; want added %v removed %d", tc.old, tc.new, got, tc.added, tc.removed)
		}
	}
}

func TestLinesFallsBackWhenTooDifferent(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 5000; i++ {
		a.WriteString("old line " + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "\n")
		b.WriteString("new line " + string(rune('a'+i%26)) + strings.Repeat("y", i%5) + "\n")
	}
	got := Lines([]byte(a.String()), []byte(b.String()))
	if len(got.Added) != 5000 || got.Removed != 5000 {
		t.Fatalf("added %d removed %d", len(got.Added), got.Removed)
	}
}

func FuzzLines(f *testing.F) {
	f.Add([]byte("a\nb\n"), []byte("a\nc\nb\n"))
	f.Fuzz(func(t *testing.T, old, new []byte) {
		r := Lines(old, new)
		lines := len(hashLines(new))
		prev := 0
		for _, l := range r.Added {
			if l <= prev || l > lines {
				t.Fatalf("bad added line %d of %d (prev %d)", l, lines, prev)
			}
			prev = l
		}
		if r.Removed < 0 || r.Removed > len(hashLines(old)) {
			t.Fatalf("removed %d", r.Removed)
		}
		if lines-len(r.Added) != len(hashLines(old))-r.Removed {
			t.Fatalf("kept lines disagree: %+v", r)
		}
	})
}
