package binary

import (
	"bytes"
	"fmt"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// Rule IDs of the fallback analyzer beyond the StringFindings ones.
const RuleOpaque = "bin.opaque-blob"

// Analyzer reads binary files that no format-specific analyzer claims
// (kind Binary): data files, firmware, unknown executables. It reports
// what their printable strings reveal and large blobs that look encrypted.
type Analyzer struct{}

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "binary" }

// Rules implements analyze.Analyzer.
func (Analyzer) Rules() []report.Rule {
	return append(StringRules("bin"), report.Rule{ID: RuleOpaque, Level: report.Low,
		Summary: "encrypted-looking data blob",
		Help:    "The file is large, near 8 bits of entropy per byte and not a known compressed format: it may be an encrypted payload. Common for honest resource packs too, so it is only listed."})
}

// opaqueMin is the smallest file worth calling an opaque blob; small
// random-looking files are keys, hashes and icons.
const opaqueMin = 16 << 10

// Analyze implements analyze.Analyzer.
func (Analyzer) Analyze(f *analyze.File) []report.Finding {
	if f.Kind != analyze.Binary {
		return nil
	}
	out := StringFindings("bin", Strings(f.Data))
	if len(f.Data) >= opaqueMin && !knownCompressed(f.Data) {
		if h := Entropy(f.Data); h > 7.9 {
			out = append(out, report.Finding{Rule: RuleOpaque, Level: report.Low,
				Message: fmt.Sprintf("%d bytes at %.2f bits of entropy per byte, in no known compressed format", len(f.Data), h),
				Offset:  0, Match: report.Snippet(fmt.Sprintf("entropy %.2f, %d bytes, starts % x", h, len(f.Data), f.Data[:8]))})
		}
	}
	report.SortFindings(out)
	return out
}

// compressedMagic are the leading bytes of formats that are high-entropy
// by design.
var compressedMagic = [][]byte{
	[]byte("\x89PNG"), []byte("\xff\xd8\xff"), []byte("GIF8"), []byte("PK\x03\x04"),
	[]byte("\x1f\x8b"), []byte("\xfd7zXZ"), []byte("7z\xbc\xaf"), []byte("BZh"),
	[]byte("\x28\xb5\x2f\xfd"), []byte("wOFF"), []byte("wOF2"), []byte("OggS"),
	[]byte("ID3"), []byte("RIFF"), []byte("\x00\x00\x00\x18ftyp"), []byte("\x00\x00\x00\x20ftyp"),
	[]byte("\x00\x00\x00\x1cftyp"), []byte("fLaC"), []byte("Rar!"), []byte("MSCF"),
	[]byte("\x04\x22\x4d\x18"), []byte("%PDF"), []byte("\x1aE\xdf\xa3"),
}

func knownCompressed(b []byte) bool {
	for _, m := range compressedMagic {
		if bytes.HasPrefix(b, m) {
			return true
		}
	}
	return false
}
