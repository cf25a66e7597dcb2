package compress

import (
	"bytes"
	"compress/bzip2"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Method is a stream compression method, recognised by its magic number.
type Method int

// The methods vigil decompresses.
const (
	None Method = iota
	Gzip
	Xz
	Zstd
	Bzip2
)

func (m Method) String() string {
	switch m {
	case Gzip:
		return "gzip"
	case Xz:
		return "xz"
	case Zstd:
		return "zstd"
	case Bzip2:
		return "bzip2"
	}
	return "none"
}

var magics = []struct {
	m     Method
	magic string
}{
	{Gzip, "\x1f\x8b\x08"},
	{Xz, "\xfd7zXZ\x00"},
	{Zstd, "\x28\xb5\x2f\xfd"},
	{Bzip2, "BZh"},
}

// Detect returns the method whose magic number head starts with, or None.
func Detect(head []byte) Method {
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.magic)) {
			if m.m == Bzip2 && !isBzip2(head) {
				continue
			}
			return m.m
		}
	}
	return None
}

// MaxWindow bounds the window (history) a zstd frame and the dictionary an
// xz stream may ask the decoder to allocate: the decoders allocate it up
// front, so a header declaring 4 GiB would cost 4 GiB before a byte is
// decoded. zstd's command line refuses windows over 128 MiB by default
// too; xz -9 uses 64 MiB. Fuzz tests lower it to keep executions fast.
var MaxWindow int64 = 128 << 20

// NewReader returns a reader of the decompressed stream r. Concatenated
// gzip members, xz streams and bzip2 streams are read as one stream, as
// their command-line tools do (Alpine packages rely on it for gzip).
// The caller bounds how much it reads; wrap the result in
// format.LimitReader.
func NewReader(m Method, r io.Reader) (io.ReadCloser, error) {
	switch m {
	case Gzip:
		return gzip.NewReader(r)
	case Xz:
		return newXzReader(r)
	case Zstd:
		d, err := zstd.NewReader(r,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(uint64(MaxWindow)))
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	case Bzip2:
		return io.NopCloser(bzip2.NewReader(r)), nil
	}
	return nil, fmt.Errorf("compress: no decompressor for method %v", m)
}

// Peek decompresses the start of head, a compressed stream's leading bytes,
// and returns up to n decompressed bytes. It returns fewer when head is too
// short to yield n, and nil when head is not compressed or garbled.
func Peek(head []byte, n int) []byte {
	m := Detect(head)
	if m == None {
		return nil
	}
	r, err := NewReader(m, bytes.NewReader(head))
	if err != nil {
		return nil
	}
	defer r.Close()
	out := make([]byte, n)
	got, _ := io.ReadFull(r, out)
	return out[:got]
}

// isBzip2 checks the block size digit and the first block's (or the empty
// stream's end-of-stream) magic, since "BZh" alone starts ordinary text.
func isBzip2(head []byte) bool {
	if len(head) < 10 || head[3] < '1' || head[3] > '9' {
		return false
	}
	block := string(head[4:10])
	return block == "1AY&SY" || block == "\x17rE8P\x90"
}
