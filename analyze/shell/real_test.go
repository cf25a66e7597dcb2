package shell

import (
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// maxLevel runs the analyzer over files and returns the riskiest finding
// of the file whose path ends in suffix ("" for all files).
func maxLevel(files []*analyze.File, suffix string) (report.Level, report.Finding) {
	var lvl report.Level
	var worst report.Finding
	for _, f := range files {
		if !strings.HasSuffix(f.Path, suffix) {
			continue
		}
		for _, fd := range (Analyzer{}).Analyze(f) {
			if fd.Level > lvl {
				lvl, worst = fd.Level, fd
			}
		}
	}
	return lvl, worst
}

// TestAutotools is the calibration the brief asks for: stock autoreconf
// output (configure, ltmain.sh, libtool.m4: eval, sed and here-docs
// everywhere) stays at medium or below, the tampered build-to-host.m4
// reaches high.
func TestAutotools(t *testing.T) {
	for _, side := range []string{"before", "after"} {
		if lvl, fd := maxLevel(release(t, "tarball-autoreconf", side), ""); lvl > report.Medium {
			t.Errorf("tarball-autoreconf/%s: %s %s line %d %q", side, lvl, fd.Rule, fd.Line, fd.Match)
		}
	}
	if lvl, fd := maxLevel(release(t, "tarball-m4", "before"), ""); lvl > report.Medium {
		t.Errorf("tarball-m4/before: %s %s line %d %q", lvl, fd.Rule, fd.Line, fd.Match)
	}
	lvl, fd := maxLevel(release(t, "tarball-m4", "after"), "m4/build-to-host.m4")
	if lvl < report.High || fd.Rule != RuleDecodeExec || !strings.Contains(fd.Match, "$SHELL") {
		t.Errorf("tarball-m4/after build-to-host.m4: %s %+v", lvl, fd)
	}
}

// TestBashUploader: the vendor's many curls stay low; the one added line
// that posts $(env) to a raw IP is high.
func TestBashUploader(t *testing.T) {
	if lvl, fd := maxLevel(release(t, "bash-uploader", "before"), ""); lvl > report.Low {
		t.Errorf("before: %s %+v", lvl, fd)
	}
	lvl, fd := maxLevel(release(t, "bash-uploader", "after"), "")
	if lvl < report.High || fd.Rule != RuleEnvExfil || fd.Line != 1262 || !strings.Contains(fd.Match, "$(env)") {
		t.Errorf("after: %s %+v", lvl, fd)
	}
}

// TestPreinstallDroppers reads the dropper scripts of npm-preinstall.
func TestPreinstallDroppers(t *testing.T) {
	files := release(t, "npm-preinstall", "after")
	for _, name := range []string{"preinstall.sh", "preinstall.bat"} {
		if lvl, fd := maxLevel(files, name); lvl < report.High {
			t.Errorf("%s: %s %+v", name, lvl, fd)
		}
	}
}
