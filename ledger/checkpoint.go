package ledger

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a tree head: the log had Size entries and this root hash.
// Its text is the standard checkpoint body shared by Go's checksum
// database, Sigstore and the witness network:
//
//	<origin>
//	<size, decimal>
//	<root hash, base64>
type Checkpoint struct {
	Origin string
	Size   int64
	Hash   tlog.Hash
}

// Text returns the checkpoint body that is signed.
func (c Checkpoint) Text() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Hash[:]))
}

// ParseCheckpoint parses a checkpoint body. Extension lines after the
// root hash are allowed by the format and ignored.
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 || lines[0] == "" {
		return Checkpoint{}, errors.New("ledger: malformed checkpoint")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != lines[1] {
		return Checkpoint{}, errors.New("ledger: malformed checkpoint size")
	}
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return Checkpoint{}, errors.New("ledger: malformed checkpoint hash")
	}
	c := Checkpoint{Origin: lines[0], Size: n}
	copy(c.Hash[:], h)
	return c, nil
}

// Sign returns the checkpoint as a signed note.
func Sign(c Checkpoint, signer note.Signer) ([]byte, error) {
	return note.Sign(&note.Note{Text: c.Text()}, signer)
}

// Open verifies a signed checkpoint with the log's verifier key (and
// ignores co-signatures from witnesses it does not know) and checks that
// the origin line matches the key's name.
func Open(msg []byte, vkey string) (Checkpoint, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("ledger: verifier key: %v", err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("ledger: checkpoint signature: %v", err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("ledger: checkpoint origin %q, key is for %q", c.Origin, v.Name())
	}
	return c, nil
}

// GenerateKey makes a new signing key for a log whose origin line is
// name (for example "vigil.example.com/ledger"). It returns the private
// signer key and the public verifier key in note's text format.
func GenerateKey(name string) (skey, vkey string, err error) {
	return note.GenerateKey(rand.Reader, name)
}
