package lzx

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"testing"

	"github.com/vigilsec/vigil/format/cab/internal/lzxenc"
)

// samples are inputs with different statistics: text with long matches,
// x86-like code with E8 calls, incompressible bytes, and sizes off the
// frame grid.
func samples() map[string][]byte {
	r := rand.New(rand.NewSource(1))
	text := bytes.Repeat([]byte("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n"), 2500)
	code := make([]byte, 0, 150000)
	for len(code) < 150000 {
		code = append(code, 0x55, 0x48, 0x89, 0xE5, 0xE8, byte(r.Intn(256)), byte(r.Intn(256)), 0, 0)
		code = append(code, []byte("abcdefgh")[:r.Intn(8)]...)
	}
	random := make([]byte, 70001)
	r.Read(random)
	return map[string][]byte{
		"text": text, "code": code, "random": random,
		"one":   {0xE8},
		"frame": text[:FrameSize],
		"tiny":  []byte("hello, hello, hello"),
	}
}

func decode(stream []byte, bits int, size int64) ([]byte, error) {
	r, err := NewReader(bytes.NewReader(stream), bits, size)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// TestRoundTrip decodes what lzxenc writes. lzxenc's output is checked
// against cabextract in package cab, so this tests the decoder against
// libmspack's reading of the same streams.
func TestRoundTrip(t *testing.T) {
	types := [][]int{
		{lzxenc.Verbatim},
		{lzxenc.Aligned},
		{lzxenc.Uncompressed},
		{lzxenc.Verbatim, lzxenc.Uncompressed, lzxenc.Aligned},
	}
	for name, data := range samples() {
		for _, bits := range []int{15, 16, 21} {
			for ti, ty := range types {
				for _, e8 := range []bool{false, true} {
					o := lzxenc.Options{WindowBits: bits, E8: e8, BlockSize: 45000, Types: ty}
					stream, _ := lzxenc.Encode(data, o)
					got, err := decode(stream, bits, int64(len(data)))
					if err != nil || !bytes.Equal(got, data) {
						t.Errorf("%s, 2^%d, types %d, e8 %v: %d of %d bytes right, err %v",
							name, bits, ti, e8, prefix(got, data), len(data), err)
					}
				}
			}
		}
	}
}

func prefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// TestTruncated cuts a stream at every few bytes: each cut must end in an
// error, never a panic or a hang, and never in wrong bytes passed off as
// right ones.
func TestTruncated(t *testing.T) {
	data := samples()["code"][:40000]
	stream, _ := lzxenc.Encode(data, lzxenc.Options{WindowBits: 16, E8: true, Types: []int{lzxenc.Aligned, lzxenc.Uncompressed}})
	for n := 0; n < len(stream)-4; n += 97 {
		got, err := decode(stream[:n], 16, int64(len(data)))
		if err == nil {
			t.Fatalf("cut at %d of %d: no error", n, len(stream))
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, errCorrupt) && !errors.Is(err, errBadTree) {
			t.Fatalf("cut at %d: unexpected error %v", n, err)
		}
		if !bytes.Equal(got, data[:len(got)]) {
			t.Fatalf("cut at %d: wrong bytes before the error", n)
		}
	}
}

func TestBadArguments(t *testing.T) {
	for _, bits := range []int{0, 14, 22} {
		if _, err := NewReader(bytes.NewReader(nil), bits, 10); err == nil {
			t.Errorf("window 2^%d accepted", bits)
		}
	}
	if _, err := NewReader(bytes.NewReader(nil), 15, -1); err == nil {
		t.Error("negative size accepted")
	}
}

// TestGarbage feeds each fixture-like pattern as a stream: decoding must
// stop with an error or produce exactly size bytes.
func TestGarbage(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 200; i++ {
		b := make([]byte, r.Intn(2000))
		r.Read(b)
		got, err := decode(b, 15+r.Intn(7), 100000)
		if err == nil && len(got) != 100000 {
			t.Fatalf("input %d: %d bytes without error", i, len(got))
		}
	}
}

// FuzzLZX decodes arbitrary bytes. The first byte picks the window size
// and the second the output size, in KiB.
func FuzzLZX(f *testing.F) {
	for _, name := range []string{"text", "code", "tiny"} {
		data := samples()[name]
		if len(data) > 3000 {
			data = data[:3000]
		}
		stream, _ := lzxenc.Encode(data, lzxenc.Options{WindowBits: 15, E8: true, BlockSize: 7000, Types: []int{1, 2, 3}})
		f.Add(append([]byte{0, byte(len(data) >> 10)}, stream...))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 2 {
			return
		}
		bits := 15 + int(in[0]%7)
		size := int64(in[1]) << 10
		got, err := decode(in[2:], bits, size)
		if err == nil && int64(len(got)) != size {
			t.Fatalf("%d bytes without error, want %d", len(got), size)
		}
	})
}

// BenchmarkDecode measures decompression of 4 MiB of mixed text and
// code with a 2 MiB window.
func BenchmarkDecode(b *testing.B) {
	var data []byte
	s := samples()
	for len(data) < 4<<20 {
		data = append(data, s["text"][:50000]...)
		data = append(data, s["code"]...)
	}
	stream, _ := lzxenc.Encode(data, lzxenc.Options{WindowBits: 21, E8: true, BlockSize: 1 << 16, Types: []int{1, 2}})
	b.ReportMetric(float64(len(stream))/float64(len(data)), "ratio")
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := decode(stream, 21, int64(len(data))); err != nil {
			b.Fatal(err)
		}
	}
}
