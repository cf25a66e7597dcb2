// Package ledger is vigil's transparency log: an append-only Merkle tree
// (golang.org/x/mod/sumdb/tlog) with one entry per observation of an
// artifact, and signed checkpoints in the standard signed-note checkpoint
// format (golang.org/x/mod/sumdb/note), so that independent witnesses can
// check and co-sign them.
//
// The package holds no storage: package store keeps rows and hashes in
// SQLite or PostgreSQL and calls Hash to compute what it appends. Verify
// recomputes every leaf from the stored rows, so a row rewritten behind
// vigil's back no longer matches its hash, and the rewritten hashes no
// longer match the signed checkpoint.
package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Entry is one observation: these exact bytes were served as this product
// and version from this URL, first seen at this time, and judged so.
type Entry struct {
	Product   string `json:"product"`
	Version   string `json:"version"`
	URL       string `json:"url"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	Signer    string `json:"signer"`     // "" when unsigned or unknown
	FirstSeen string `json:"first_seen"` // RFC 3339, UTC, whole seconds
	Verdict   string `json:"verdict"`    // a report.Level name, or "unparsed"
}

// MaxEntry bounds an encoded entry; longer ones are refused rather than
// letting a feed's oversized version string bloat every proof bundle.
const MaxEntry = 16 << 10

// Marshal returns the entry's canonical encoding: compact JSON with the
// fields in the order above. The Merkle leaf is the hash of these bytes, so
// the encoding must never change for existing entries.
func (e Entry) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(b) > MaxEntry {
		return nil, fmt.Errorf("ledger: entry is %d bytes, limit %d", len(b), MaxEntry)
	}
	return b, nil
}

// Unmarshal parses a canonical entry and refuses any other encoding of
// the same fields, so that a proof bundle cannot show one text and prove
// another.
func Unmarshal(b []byte) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Entry{}, fmt.Errorf("ledger: bad entry: %v", err)
	}
	again, err := e.Marshal()
	if err != nil {
		return Entry{}, err
	}
	if !bytes.Equal(again, b) {
		return Entry{}, errors.New("ledger: entry is not in canonical form")
	}
	return e, nil
}

// Hash is the entry's Merkle leaf hash.
func (e Entry) Hash() (tlog.Hash, error) {
	b, err := e.Marshal()
	if err != nil {
		return tlog.Hash{}, err
	}
	return tlog.RecordHash(b), nil
}
