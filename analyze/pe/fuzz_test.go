package pe

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/vigilsec/vigil/analyze"
)

func FuzzAnalyze(f *testing.F) {
	for _, n := range []string{"hello.exe", "fail_loader.dll", "dotnet.exe", "fail_certpad.exe"} {
		b, err := os.ReadFile("testdata/" + n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file := &analyze.File{Path: "x.exe", Data: b, Size: int64(len(b)), Kind: analyze.PE}
		Analyzer{}.Analyze(file)
		facts := map[string]string{}
		Analyzer{}.Record(file, facts)
		ff := []analyze.FileFacts{{Path: "a", Rel: "a.exe", Kind: analyze.PE, Facts: facts}}
		Analyzer{}.AnalyzeRelease(ff, ff)
	})
}

// FuzzSignature replaces the PKCS#7 blob of a signed image with the fuzz
// input, keeping the headers consistent, so the fuzzer spends its time in
// the Authenticode and DER parsers.
func FuzzSignature(f *testing.F) {
	img, err := os.ReadFile("testdata/timestamped.exe")
	if err != nil {
		f.Fatal(err)
	}
	p, err := parse(img)
	if err != nil {
		f.Fatal(err)
	}
	off, _ := p.certTable()
	f.Add(img[off+winCertHeader:])
	f.Add([]byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02})
	dd := p.certDirOff()
	f.Fuzz(func(t *testing.T, blob []byte) {
		b := append(append([]byte(nil), img[:off]...), make([]byte, winCertHeader)...)
		b = append(b, blob...)
		binary.LittleEndian.PutUint32(b[off:], uint32(winCertHeader+len(blob)))
		binary.LittleEndian.PutUint32(b[dd+4:], uint32(winCertHeader+len(blob)))
		q, err := parse(b)
		if err != nil {
			t.Fatal(err)
		}
		q.readSignature()
		Analyzer{}.Analyze(&analyze.File{Data: b, Size: int64(len(b)), Kind: analyze.PE})
	})
}

// FuzzDotnet writes the fuzz input over the metadata of a real assembly,
// from the tables stream on, so the fuzzer works on the table reader.
func FuzzDotnet(f *testing.F) {
	img, err := os.ReadFile("testdata/dotnet2.exe")
	if err != nil {
		f.Fatal(err)
	}
	p, err := parse(img)
	if err != nil {
		f.Fatal(err)
	}
	d := p.dir(dirCLR)
	cor := p.at(d.VirtualAddress, 16)
	root := p.offset(binary.LittleEndian.Uint32(cor[8:]))
	if root < 0 {
		f.Fatal("no metadata")
	}
	f.Add(img[root : root+512])
	f.Fuzz(func(t *testing.T, md []byte) {
		b := append([]byte(nil), img...)
		copy(b[root:], md)
		q, err := parse(b)
		if err != nil {
			return
		}
		q.readMetadata()
		Analyzer{}.Diff(&analyze.File{Data: img, Kind: analyze.PE}, &analyze.File{Data: b, Kind: analyze.PE})
	})
}
