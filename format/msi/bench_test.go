package msi

import (
	"fmt"
	"io"
	"io/fs"
	"math/rand"
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
	bigOnce sync.Once
	bigDir  string
	bigMSI  string
	bigErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if bigDir != "" {
		os.RemoveAll(bigDir)
	}
	os.Exit(code)
}

// buildBig makes a 60 MB installer with wixl: six 10 MB files, half
// random bytes and half text, so that the cabinet stays large.
func buildBig() {
	if _, err := exec.LookPath("wixl"); err != nil {
		bigErr = err
		return
	}
	bigDir, bigErr = os.MkdirTemp("", "vigil-msi-bench-")
	if bigErr != nil {
		return
	}
	r := rand.New(rand.NewSource(1))
	var comps, refs strings.Builder
	for i := 0; i < 6; i++ {
		b := make([]byte, 10<<20)
		r.Read(b[:5<<20])
		copy(b[5<<20:], strings.Repeat(fmt.Sprintf("line of text %d\n", i), 5<<20/15))
		name := fmt.Sprintf("f%d.bin", i)
		if bigErr = os.WriteFile(filepath.Join(bigDir, name), b, 0o644); bigErr != nil {
			return
		}
		fmt.Fprintf(&comps, `<Component Id="C%d" Guid="*"><File Id="F%d" Name="%s" Source="%s" KeyPath="yes"/></Component>`, i, i, name, name)
		fmt.Fprintf(&refs, `<ComponentRef Id="C%d"/>`, i)
	}
	wxs := fmt.Sprintf(`<?xml version="1.0"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
<Product Id="*" Name="Big" Language="1033" Version="1.0.0" Manufacturer="Vigil" UpgradeCode="0E6B7A52-1C3D-4F8A-9B2E-5D7C9A1B3E41">
<Package InstallerVersion="200" Compressed="yes"/>
<Media Id="1" Cabinet="big.cab" EmbedCab="yes"/>
<Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="D" Name="Big">%s</Directory></Directory></Directory>
<Feature Id="All" Level="1">%s</Feature>
</Product></Wix>`, comps.String(), refs.String())
	src := filepath.Join(bigDir, "big.wxs")
	if bigErr = os.WriteFile(src, []byte(wxs), 0o644); bigErr != nil {
		return
	}
	bigMSI = filepath.Join(bigDir, "big.msi")
	cmd := exec.Command("wixl", "-o", bigMSI, src)
	cmd.Dir = bigDir // wixl wants relative sources
	if out, err := cmd.CombinedOutput(); err != nil {
		bigErr = fmt.Errorf("wixl: %v\n%s", err, out)
	}
}

// BenchmarkOpenMSI opens a 60 MB installer from disk and reads every
// file. bytes/s is of the MSI; peak-heap-MB shows that memory stays near
// the cabinet's memory budget, not the installer's size.
func BenchmarkOpenMSI(b *testing.B) {
	bigOnce.Do(buildBig)
	if _, err := exec.LookPath("wixl"); err != nil {
		b.Skip("wixl not installed")
	}
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	f, err := os.Open(bigMSI)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	src := io.NewSectionReader(f, 0, st.Size())
	b.SetBytes(st.Size())
	var peak uint64
	for i := 0; i < b.N; i++ {
		fsys, err := Open("big.msi", src, format.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			r, err := fsys.Open(p)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				b.Fatal(p, err)
			}
			r.Close()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			n++
			return nil
		})
		if n < 6 {
			b.Fatalf("%d files", n)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
