// Package textdiff finds the lines a new version of a text file added.
// Diff needs only that (which lines are new, and how many were removed),
// not a printable patch, so this is Myers' algorithm over line hashes with
// the common prefix and suffix trimmed first, which makes the usual
// injection (lines appended or inserted into an unchanged file) linear.
package textdiff

import (
	"bytes"
	"hash/maphash"
)

// maxEdits bounds Myers' search. Beyond it the middle of the two files is
// treated as wholly replaced: still correct about what is new, only less
// precise.
const maxEdits = 3000

// Result describes how new differs from old.
type Result struct {
	Added   []int // 1-based line numbers in new, ascending
	Removed int   // lines of old not in new
}

// AddedSet returns Added as a set.
func (r Result) AddedSet() map[int]bool {
	m := make(map[int]bool, len(r.Added))
	for _, l := range r.Added {
		m[l] = true
	}
	return m
}

var seed = maphash.MakeSeed()

// Lines compares old and new line by line.
func Lines(old, new []byte) Result {
	a, b := hashLines(old), hashLines(new)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	a, b = a[pre:len(a)-suf], b[pre:len(b)-suf]
	var res Result
	keptB, ok := myers(a, b)
	if !ok {
		keptB = make([]bool, len(b))
		res.Removed = len(a)
	}
	kept := 0
	for i, k := range keptB {
		if k {
			kept++
		} else {
			res.Added = append(res.Added, pre+i+1)
		}
	}
	if ok {
		res.Removed = len(a) - kept
	}
	return res
}

func hashLines(text []byte) []uint64 {
	var out []uint64
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		line := text
		if i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		out = append(out, maphash.Bytes(seed, bytes.TrimRight(line, "\r")))
	}
	return out
}

// myers returns, for each line of b, whether it is matched to a line of a
// in a shortest edit script; ok is false when the script needs more than
// maxEdits edits.
func myers(a, b []uint64) (keptB []bool, ok bool) {
	n, m := len(a), len(b)
	keptB = make([]bool, m)
	if n == 0 || m == 0 {
		return keptB, true
	}
	max := n + m
	if max > maxEdits {
		max = maxEdits
	}
	off := max + 1
	v := make([]int, 2*max+3)
	var trace [][]int
	for d := 0; d <= max; d++ {
		// Keep only the diagonals step d can read: -d-1 .. d+1.
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				backtrack(trace, n, m, keptB)
				return keptB, true
			}
		}
	}
	return nil, false
}

// backtrack walks the saved frontiers from the end to mark matched lines.
// trace[d] holds diagonal k at index k+d+1.
func backtrack(trace [][]int, x, y int, keptB []bool) {
	for d := len(trace) - 1; d >= 0 && (x > 0 || y > 0); d-- {
		v := trace[d]
		at := func(k int) int { return v[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x, y = x-1, y-1
			keptB[y] = true
		}
		if d > 0 {
			x, y = prevX, prevY
		}
	}
}
