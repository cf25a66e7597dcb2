package ledger

import (
	"encoding/json"
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// BenchmarkProofSize1M builds a 1,000,000-entry tree in memory with tlog
// and reports the size of an inclusion proof, of a whole offline bundle,
// and of a consistency proof from half the tree. An inclusion proof is
// ceil(log2 N) hashes of 32 bytes: 20 hashes, 640 bytes, at N = 10^6.
func BenchmarkProofSize1M(b *testing.B) {
	const n = 1_000_000
	mem := make(Memory, 0, tlog.StoredHashCount(n))
	for i := int64(0); i < n; i++ {
		add, err := tlog.StoredHashesForRecordHash(i, tlog.RecordHash([]byte(fmt.Sprint(i))), mem)
		if err != nil {
			b.Fatal(err)
		}
		mem = append(mem, add...)
	}
	root, _ := tlog.TreeHash(n, mem)
	skey, vkey, _ := GenerateKey("vigil.example/ledger")
	signer, _ := note.NewSigner(skey)
	cp, _ := Sign(Checkpoint{Origin: "vigil.example/ledger", Size: n, Hash: root}, signer)
	e := entry(1)
	text, _ := e.Marshal()
	b.ResetTimer()
	var proofLen, bundleLen, treeLen int
	for i := 0; i < b.N; i++ {
		idx := int64(i*7919) % n
		p, err := tlog.ProveRecord(n, idx, mem)
		if err != nil {
			b.Fatal(err)
		}
		if err := tlog.CheckRecord(p, n, root, idx, mem[tlog.StoredHashIndex(0, idx)]); err != nil {
			b.Fatal(err)
		}
		proofLen = len(p) * tlog.HashSize
		data, _ := json.Marshal(&Bundle{Index: idx, Entry: string(text), Proof: p, Checkpoint: string(cp)})
		bundleLen = len(data)
		tp, err := tlog.ProveTree(n, n/2, mem)
		if err != nil {
			b.Fatal(err)
		}
		treeLen = len(tp) * tlog.HashSize
	}
	_ = vkey
	b.ReportMetric(float64(proofLen), "proof-bytes")
	b.ReportMetric(float64(bundleLen), "bundle-bytes")
	b.ReportMetric(float64(treeLen), "consistency-bytes")
}
