package ledger

import (
	"encoding/json"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// fuzzSKey is a fixed test key, so that seeds carry valid signatures.
const fuzzSKey = "PRIVATE+KEY+vigil.test/ledger+a38f1ef5+AYX/W6RmOxGOB67iSf+0JTlrLLKJ1axlqMsU1LyQfcLg"

func fuzzSeed(t testing.TB) ([]byte, string) {
	vkey, err := VerifierKey(fuzzSKey)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(fuzzSKey)
	if err != nil {
		t.Fatal(err)
	}
	m := &memLog{}
	for i := range 5 {
		m.append(t, entry(i))
	}
	root, _ := tlog.TreeHash(5, m.hashes)
	cp, _ := Sign(Checkpoint{Origin: "vigil.test/ledger", Size: 5, Hash: root}, signer)
	p, _ := tlog.ProveRecord(5, 3, m.hashes)
	text, _ := m.rows[3].Marshal()
	data, _ := json.Marshal(&Bundle{Index: 3, Entry: string(text), Proof: p, Checkpoint: string(cp)})
	return data, vkey
}

// FuzzBundle verifies hostile proof bundles: they must fail cleanly, and
// any bundle that verifies must prove its own canonical entry.
func FuzzBundle(f *testing.F) {
	seed, vkey := fuzzSeed(f)
	f.Add(seed)
	f.Add([]byte(`{"index":-1,"entry":"{}","proof":[],"checkpoint":"x\n1\nAAAA\n"}`))
	f.Add([]byte(`{"index":9223372036854775807,"proof":["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBundle(data)
		if err != nil {
			return
		}
		e, cp, err := b.Verify(vkey)
		if err != nil {
			return
		}
		text, _ := e.Marshal()
		if string(text) != b.Entry || b.Index >= cp.Size {
			t.Fatalf("verified bundle proves %q at %d of %d", b.Entry, b.Index, cp.Size)
		}
	})
}

// FuzzCheckpoint parses hostile checkpoint bodies; what parses must
// print back to a body that parses the same.
func FuzzCheckpoint(f *testing.F) {
	f.Add("vigil.test/ledger\n5\nNziZAlx1Jg/FudnptXc6LYl/t5oVctyhdUKyszuNEe0=\n")
	f.Add("o\n-1\n\n")
	f.Add("o\n007\nAAAA\nextension line\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseCheckpoint(text)
		if err != nil {
			return
		}
		again, err := ParseCheckpoint(c.Text())
		if err != nil || again != c {
			t.Fatalf("round trip of %q: %+v, %v", text, again, err)
		}
		Unmarshal([]byte(text))
	})
}
