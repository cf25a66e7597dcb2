package nsis

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/vigilsec/vigil/format"
)

var (
	benchInstallers sync.Map // compressor -> path
	benchDir        string   // removed by TestMain
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchInstaller builds, once per run, an installer with makensis from
// randomMB of random bytes in 8 MB files and textMB of text in 4 MB files.
// With stored set, the random files are added with SetCompress off, as
// electron-builder adds its 7z: compressing random bytes with LZMA takes
// makensis minutes and gains nothing.
func benchInstaller(b *testing.B, compressor string, randomMB, textMB int, stored bool) string {
	key := fmt.Sprint(compressor, randomMB, textMB, stored)
	if p, ok := benchInstallers.Load(key); ok {
		return p.(string)
	}
	if _, err := exec.LookPath("makensis"); err != nil {
		b.Skip("makensis not installed")
	}
	if benchDir == "" {
		d, err := os.MkdirTemp("", "vigil-nsis-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = d
	}
	dir, err := os.MkdirTemp(benchDir, "")
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewChaCha8([32]byte{}))
	var script strings.Builder
	fmt.Fprintf(&script, "Unicode true\nSetCompressor %s\nOutFile %q\nRequestExecutionLevel user\nSection\nSetOutPath $INSTDIR\n", compressor, filepath.Join(dir, "big.exe"))
	add := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(&script, "File %q\n", filepath.Join(dir, name))
	}
	if stored {
		script.WriteString("SetCompress off\n")
	}
	for i := 0; i*8 < randomMB; i++ {
		random := make([]byte, min(8, randomMB-i*8)<<20)
		for k := 0; k+8 <= len(random); k += 8 {
			v := rng.Uint64()
			for j := 0; j < 8; j++ {
				random[k+j] = byte(v >> (8 * j))
			}
		}
		add(fmt.Sprintf("random%d.bin", i), random)
	}
	script.WriteString("SetCompress auto\n")
	for i := 0; i*4 < textMB; i++ {
		var text bytes.Buffer
		for n := 0; text.Len() < min(4, textMB-i*4)<<20; n++ {
			fmt.Fprintf(&text, "%d: the quick brown fox %x jumps over the lazy dog\n", n, rng.Uint32()%64)
		}
		add(fmt.Sprintf("text%d.txt", i), text.Bytes())
	}
	script.WriteString("SectionEnd\n")
	nsi := filepath.Join(dir, "big.nsi")
	if err := os.WriteFile(nsi, []byte(script.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command("makensis", "-V1", nsi).CombinedOutput(); err != nil {
		b.Fatalf("makensis: %v\n%s", err, out)
	}
	p := filepath.Join(dir, "big.exe")
	benchInstallers.Store(key, p)
	return p
}

// benchmarkExtract opens the installer and reads every file, reporting
// the bytes extracted per second and the largest heap seen.
func benchmarkExtract(b *testing.B, path string) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	src := io.NewSectionReader(f, 0, st.Size())
	var total int64
	var peak uint64
	var ms runtime.MemStats
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC() // peak-heap-MB should not count the last round
		b.StartTimer()
		total = 0
		fsys, err := Format.Open("big.exe", src, format.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			r, err := fsys.Open(p)
			if err != nil {
				return err
			}
			n, err := io.Copy(io.Discard, r)
			total += n
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(total)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(st.Size())/(1<<20), "installer-MB")
}

// A 53 MB non-solid LZMA installer: 52 MB stored, 12 MB of text.
func BenchmarkLZMA(b *testing.B) {
	benchmarkExtract(b, benchInstaller(b, "lzma", 52, 12, true))
}

// A 53 MB solid zlib installer: the solid pass and the spill file.
func BenchmarkSolidZlib(b *testing.B) {
	benchmarkExtract(b, benchInstaller(b, "/SOLID zlib", 52, 12, false))
}

// Solid LZMA over 40 MB of mostly text; the installer is small.
func BenchmarkSolidLZMA(b *testing.B) {
	benchmarkExtract(b, benchInstaller(b, "/SOLID lzma", 4, 36, false))
}

// Open on a 64 MB PE file that is not an installer: the scan for the
// first header reads the whole file.
func BenchmarkNotNSIS(b *testing.B) {
	data := make([]byte, 64<<20)
	copy(data, "MZ")
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if _, err := Format.Open("app.exe", bytes.NewReader(data), format.DefaultLimits); err != format.ErrNotFormat {
			b.Fatal(err)
		}
	}
}
