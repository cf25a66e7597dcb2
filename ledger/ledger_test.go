package ledger

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// memLog is the simplest Source: rows and hashes in slices, appended the
// way package store appends them.
type memLog struct {
	rows   []Entry
	hashes Memory
}

func (m *memLog) append(t testing.TB, e Entry) {
	h, err := e.Hash()
	if err != nil {
		t.Fatal(err)
	}
	add, err := tlog.StoredHashesForRecordHash(int64(len(m.rows)), h, m.hashes)
	if err != nil {
		t.Fatal(err)
	}
	m.rows = append(m.rows, e)
	m.hashes = append(m.hashes, add...)
}

func (m *memLog) ReadHashes(_ context.Context, idx []int64) ([]tlog.Hash, error) {
	return m.hashes.ReadHashes(idx)
}

func (m *memLog) Entries(_ context.Context, n int64, fn func(int64, Entry) error) error {
	for i := int64(0); i < n; i++ {
		if err := fn(i, m.rows[i]); err != nil {
			return err
		}
	}
	return nil
}

func entry(i int) Entry {
	return Entry{
		Product: "chat-agent", Version: fmt.Sprintf("10.0.%d", i),
		URL: "https://downloads.example/ChatAgentSetup.exe", SHA256: strings.Repeat("ab", 32),
		Size: int64(1000 + i), FirstSeen: "2026-11-27T03:00:00Z", Verdict: "none",
	}
}

func TestEntryCanonical(t *testing.T) {
	e := entry(1)
	e.Signer = "CN=<Vendor> & Co"
	b, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"product":"chat-agent","version":"10.0.1","url":"https://downloads.example/ChatAgentSetup.exe","sha256":"` + strings.Repeat("ab", 32) + `","size":1001,"signer":"CN=<Vendor> & Co","first_seen":"2026-11-27T03:00:00Z","verdict":"none"}`
	if string(b) != want {
		t.Fatalf("Marshal = %s\nwant      %s", b, want)
	}
	if got, err := Unmarshal(b); err != nil || got != e {
		t.Fatalf("Unmarshal = %+v, %v", got, err)
	}
	// The same fields in another order or spacing are not the entry.
	for _, bad := range []string{
		strings.Replace(want, `{"product"`, `{ "product"`, 1),
		`{"version":"10.0.1","product":"chat-agent"}`,
		strings.Replace(want, `}`, `,"extra":1}`, 1),
	} {
		if _, err := Unmarshal([]byte(bad)); err == nil {
			t.Errorf("Unmarshal accepted %s", bad)
		}
	}
}

func TestCheckpointSignOpen(t *testing.T) {
	skey, vkey, err := GenerateKey("vigil.test/ledger")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	c := Checkpoint{Origin: "vigil.test/ledger", Size: 42, Hash: tlog.RecordHash([]byte("x"))}
	msg, err := Sign(c, signer)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(msg), "vigil.test/ledger\n42\n") {
		t.Fatalf("checkpoint text:\n%s", msg)
	}
	got, err := Open(msg, vkey)
	if err != nil || got != c {
		t.Fatalf("Open = %+v, %v", got, err)
	}
	forged := strings.Replace(string(msg), "\n42\n", "\n43\n", 1)
	if _, err := Open([]byte(forged), vkey); err == nil {
		t.Fatal("Open accepted a checkpoint whose size was changed")
	}
	_, other, _ := GenerateKey("vigil.test/ledger")
	if _, err := Open(msg, other); err == nil {
		t.Fatal("Open accepted a checkpoint signed by another key")
	}
}

func TestRecomputeAndProofs(t *testing.T) {
	ctx := context.Background()
	m := &memLog{}
	for i := range 37 {
		m.append(t, entry(i))
	}
	mem, err := Recompute(ctx, m, 37)
	if err != nil {
		t.Fatal(err)
	}
	root, err := tlog.TreeHash(37, mem)
	if err != nil {
		t.Fatal(err)
	}
	oldRoot, _ := tlog.TreeHash(20, mem)
	if err := Consistent(Checkpoint{Size: 20, Hash: oldRoot}, 37, root, mem); err != nil {
		t.Fatal(err)
	}
	if err := Consistent(Checkpoint{Size: 20, Hash: root}, 37, root, mem); err == nil {
		t.Fatal("Consistent accepted a wrong old root")
	}
	if err := Consistent(Checkpoint{Size: 37, Hash: root}, 37, root, mem); err != nil {
		t.Fatalf("same tree: %v", err)
	}
	if err := Consistent(Checkpoint{Size: 37, Hash: oldRoot}, 37, root, mem); err == nil {
		t.Fatal("Consistent accepted another root for the same size")
	}
	empty, _ := tlog.TreeHash(0, mem)
	if err := Consistent(Checkpoint{Size: 0, Hash: empty}, 37, root, mem); err != nil {
		t.Fatalf("empty checkpoint: %v", err)
	}
	if err := Consistent(Checkpoint{Size: 0, Hash: root}, 37, root, mem); err == nil {
		t.Fatal("Consistent accepted an empty checkpoint with a root")
	}
	if err := Consistent(Checkpoint{Size: 38, Hash: root}, 37, root, mem); err == nil {
		t.Fatal("Consistent accepted a checkpoint larger than the log")
	}

	// A bundle proves entry 5 against a signed checkpoint.
	skey, vkey, _ := GenerateKey("vigil.test/ledger")
	signer, _ := note.NewSigner(skey)
	cp, _ := Sign(Checkpoint{Origin: "vigil.test/ledger", Size: 37, Hash: root}, signer)
	proof, err := tlog.ProveRecord(37, 5, mem)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := m.rows[5].Marshal()
	b := &Bundle{Index: 5, Entry: string(text), Proof: proof, Checkpoint: string(cp)}
	data, _ := json.Marshal(b)
	b2, err := ParseBundle(data)
	if err != nil {
		t.Fatal(err)
	}
	if e, _, err := b2.Verify(vkey); err != nil || e != m.rows[5] {
		t.Fatalf("Verify = %+v, %v", e, err)
	}
	b2.Entry = strings.Replace(b2.Entry, `"verdict":"none"`, `"verdict":"low"`, 1)
	if _, _, err := b2.Verify(vkey); err == nil {
		t.Fatal("Verify accepted an edited entry")
	}

	// A rewritten row is found, and named.
	m.rows[9].Verdict = "none " // behind the log's back
	if _, err := Recompute(ctx, m, 37); err == nil || !strings.Contains(err.Error(), "entry 9") {
		t.Fatalf("Recompute after tampering: %v", err)
	}
	// Rewriting the leaf hash too is found at the next level up.
	h, _ := m.rows[9].Hash()
	m.hashes[tlog.StoredHashIndex(0, 9)] = h
	if _, err := Recompute(ctx, m, 37); err == nil {
		t.Fatal("Recompute accepted a rewritten row and leaf hash")
	}
}

func TestLoadKey(t *testing.T) {
	path := t.TempDir() + "/ledger.key"
	s1, v1, err := LoadKey(path, "vigil.test/ledger")
	if err != nil {
		t.Fatal(err)
	}
	s2, v2, err := LoadKey(path, "vigil.test/ledger")
	if err != nil || v1 != v2 || s1.KeyHash() != s2.KeyHash() {
		t.Fatalf("second LoadKey: %v, %q vs %q", err, v1, v2)
	}
	msg, _ := Sign(Checkpoint{Origin: "vigil.test/ledger", Size: 1}, s2)
	if _, err := Open(msg, v1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadKey(path, "other/origin"); err == nil {
		t.Fatal("LoadKey accepted a key for another origin")
	}
}

// TestWitnessCosigned checks that a checkpoint co-signed by a witness, in
// the standard signed-note form, still opens with the log's key alone,
// and that the witness's signature checks with the witness's key.
func TestWitnessCosigned(t *testing.T) {
	skey, vkey, _ := GenerateKey("vigil.test/ledger")
	wskey, wvkey, _ := note.GenerateKey(rand.Reader, "witness.example/w1")
	signer, _ := note.NewSigner(skey)
	witness, _ := note.NewSigner(wskey)
	c := Checkpoint{Origin: "vigil.test/ledger", Size: 7, Hash: tlog.RecordHash([]byte("r"))}
	msg, _ := Sign(c, signer)
	n, err := note.Open(msg, note.VerifierList(mustVerifier(t, vkey)))
	if err != nil {
		t.Fatal(err)
	}
	cosigned, err := note.Sign(n, witness)
	if err != nil {
		t.Fatal(err)
	}
	// note.Sign keeps the log's signature and appends the witness's.
	if got, err := Open(cosigned, vkey); err != nil || got != c {
		t.Fatalf("Open(cosigned) = %+v, %v", got, err)
	}
	if _, err := note.Open(cosigned, note.VerifierList(mustVerifier(t, wvkey))); err != nil {
		t.Fatalf("witness signature: %v", err)
	}
}

func mustVerifier(t *testing.T, vkey string) note.Verifier {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
