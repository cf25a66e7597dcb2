package ledger

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Source is a stored log, as package store provides it.
type Source interface {
	// ReadHashes returns the stored hashes at the given tlog indexes.
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// Entries calls fn for every entry in [0, n), in index order.
	Entries(ctx context.Context, n int64, fn func(i int64, e Entry) error) error
}

// HashReader adapts a Source to tlog.HashReader for one context.
func HashReader(ctx context.Context, s Source) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		return s.ReadHashes(ctx, idx)
	})
}

// Memory is a tlog.HashReader over hashes held in memory, indexed by
// tlog stored-hash index.
type Memory []tlog.Hash

// ReadHashes implements tlog.HashReader.
func (m Memory) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("ledger: hash %d not stored", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

// Recompute rebuilds the first n entries' tree from the stored rows alone
// and compares every hash with the stored one. It returns the recomputed
// hashes, whose tree hash can then be checked against a signed
// checkpoint. An error names the first entry or hash that differs: a row
// rewritten after it was logged, or a hash rewritten to match it.
func Recompute(ctx context.Context, s Source, n int64) (Memory, error) {
	mem := make(Memory, 0, tlog.StoredHashCount(n))
	next := int64(0)
	err := s.Entries(ctx, n, func(i int64, e Entry) error {
		if i != next {
			return fmt.Errorf("ledger: entry %d missing (found %d)", next, i)
		}
		next++
		h, err := e.Hash()
		if err != nil {
			return fmt.Errorf("ledger: entry %d: %v", i, err)
		}
		add, err := tlog.StoredHashesForRecordHash(i, h, mem)
		if err != nil {
			return err
		}
		mem = append(mem, add...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if next != n {
		return nil, fmt.Errorf("ledger: %d entries stored, log size is %d", next, n)
	}
	const batch = 4096
	idx := make([]int64, 0, batch)
	for start := int64(0); start < int64(len(mem)); start += batch {
		idx = idx[:0]
		for j := start; j < min(start+batch, int64(len(mem))); j++ {
			idx = append(idx, j)
		}
		stored, err := s.ReadHashes(ctx, idx)
		if err != nil {
			return nil, err
		}
		for k, h := range stored {
			if h != mem[idx[k]] {
				return nil, fmt.Errorf("ledger: %s does not match the stored hash", describe(idx[k]))
			}
		}
	}
	return mem, nil
}

// describe names a stored-hash index as the entry it covers.
func describe(index int64) string {
	level, n := tlog.SplitStoredHashIndex(index)
	if level == 0 {
		return fmt.Sprintf("entry %d (its stored row was changed)", n)
	}
	return fmt.Sprintf("tree hash at level %d covering entries %d–%d", level, n<<level, (n+1)<<level-1)
}

// Consistent proves that the tree of size n with root hash root, read
// through r, extends the one in old: nothing old was changed or removed.
func Consistent(old Checkpoint, n int64, root tlog.Hash, r tlog.HashReader) error {
	if old.Size > n {
		return fmt.Errorf("ledger: checkpoint has %d entries, log only %d (log truncated)", old.Size, n)
	}
	if old.Size == n || old.Size == 0 {
		// Nothing to prove between equal trees, and tlog proves nothing
		// about the empty one: compare the roots directly.
		want := root
		if old.Size == 0 {
			want, _ = tlog.TreeHash(0, r)
		}
		if old.Hash != want {
			return fmt.Errorf("ledger: log of size %d has another root than the checkpoint of size %d", n, old.Size)
		}
		return nil
	}
	p, err := tlog.ProveTree(n, old.Size, r)
	if err != nil {
		return err
	}
	if err := tlog.CheckTree(p, n, root, old.Size, old.Hash); err != nil {
		return fmt.Errorf("ledger: log of size %d is not consistent with checkpoint of size %d: %v", n, old.Size, err)
	}
	return nil
}
