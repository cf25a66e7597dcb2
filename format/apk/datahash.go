package apk

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/vigilsec/vigil/format"
)

// RuleDigestMismatch is reported when the data stream's SHA-256 differs
// from .PKGINFO's datahash; the same ID as packages rpm, deb and oci use.
const RuleDigestMismatch = format.RuleDigestMismatch

// maxControl bounds the decompressed signature and control streams, which
// hold a signature, .PKGINFO and a few scripts.
const maxControl = 16 << 20

// checkDataHash compares the data stream with the datahash line of
// .PKGINFO. The signature covers only the control stream, so this hash is
// what ties the payload to the signature: a payload swapped without
// re-signing shows up here. It returns nil when there is nothing to check.
func checkDataHash(src format.Source, pkginfo []byte) *format.Problem {
	want := ""
	for _, line := range strings.Split(string(pkginfo), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "datahash" {
			want = strings.TrimSpace(v)
		}
	}
	if want == "" {
		return nil
	}
	start, err := dataStart(src)
	if err != nil {
		return &format.Problem{Path: ".PKGINFO", Rule: format.RuleMalformed, Offset: -1,
			Message: fmt.Sprintf("cannot find the data stream to check datahash: %v", err)}
	}
	h := sha256.New()
	io.Copy(h, io.NewSectionReader(src, start, src.Size()-start))
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return &format.Problem{Path: ".PKGINFO", Rule: RuleDigestMismatch, Offset: start,
			Message: fmt.Sprintf("data stream at offset %d has SHA-256 %s; .PKGINFO's datahash is %s", start, got, want)}
	}
	return nil
}

// dataStart returns the offset of the data stream: after the control
// stream, the gzip member holding .PKGINFO, and the signature stream
// before it if there is one. Only those two members are decompressed.
func dataStart(src format.Source) (int64, error) {
	cr := &countingReader{r: bufio.NewReader(io.NewSectionReader(src, 0, src.Size()))}
	for member := 0; member < 2; member++ {
		z, err := gzip.NewReader(cr)
		if err != nil {
			return 0, err
		}
		z.Multistream(false)
		head := make([]byte, 100)
		n, _ := io.ReadFull(z, head)
		if _, err := io.Copy(io.Discard, format.LimitReader(z, maxControl)); err != nil {
			return 0, err
		}
		if bytes.HasPrefix(head[:n], []byte(".PKGINFO\x00")) {
			return cr.n, nil
		}
	}
	return 0, fmt.Errorf("no .PKGINFO in the first two gzip streams")
}

// countingReader counts the bytes taken from r. It is an io.ByteReader, so
// the gzip reader takes exactly one member's bytes and no more.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}
