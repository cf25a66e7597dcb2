package ledger

import (
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Bundle is everything needed to check, offline, that an entry is in the
// log: the entry's bytes, its index, an inclusion proof to the tree head,
// and that tree head signed by the log. `vigil ledger export` writes it
// and `vigil verify --bundle` reads it.
type Bundle struct {
	Index      int64       `json:"index"`
	Entry      string      `json:"entry"`      // canonical entry bytes
	Proof      []tlog.Hash `json:"proof"`      // tlog.RecordProof, leaf to root
	Checkpoint string      `json:"checkpoint"` // signed note
}

// MaxBundle bounds a bundle file: an entry, a proof of at most 64 hashes
// and a checkpoint signed by a few witnesses.
const MaxBundle = 64 << 10

// Verify checks the bundle against the log's verifier key and returns the
// entry and the checkpoint it was proved against.
func (b *Bundle) Verify(vkey string) (Entry, Checkpoint, error) {
	c, err := Open([]byte(b.Checkpoint), vkey)
	if err != nil {
		return Entry{}, Checkpoint{}, err
	}
	e, err := Unmarshal([]byte(b.Entry))
	if err != nil {
		return Entry{}, Checkpoint{}, err
	}
	if b.Index < 0 || b.Index >= c.Size {
		return Entry{}, Checkpoint{}, fmt.Errorf("ledger: index %d outside tree of size %d", b.Index, c.Size)
	}
	leaf := tlog.RecordHash([]byte(b.Entry))
	if err := tlog.CheckRecord(b.Proof, c.Size, c.Hash, b.Index, leaf); err != nil {
		return Entry{}, Checkpoint{}, fmt.Errorf("ledger: inclusion proof: %v", err)
	}
	return e, c, nil
}

// ParseBundle decodes a bundle file.
func ParseBundle(data []byte) (*Bundle, error) {
	if len(data) > MaxBundle {
		return nil, errors.New("ledger: bundle too large")
	}
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("ledger: bad bundle: %v", err)
	}
	if len(b.Proof) > 64 {
		return nil, errors.New("ledger: proof too long")
	}
	return &b, nil
}
