package js

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/analyze"
	"github.com/vigilsec/vigil/report"
)

// fixtures lists each file in testdata with the risk it must get and the
// rules (with their level) that must be among its findings. Rules listed
// with None must be absent.
var fixtures = []struct {
	file  string
	risk  report.Level
	rules map[string]report.Level
}{
	{"ok_comments.js", report.None, nil},
	{"ok_regexp_exec.js", report.None, map[string]report.Level{RuleExec: report.None}},
	{"ok_minified.min.js", report.None, map[string]report.Level{RuleDynamicCode: report.None}},
	{"ok_template_engine.js", report.Medium, map[string]report.Level{RuleDynamicCode: report.Medium}},
	{"ok_updater.js", report.Medium, map[string]report.Level{
		RuleNetwork: report.Low, RuleChildProcess: report.Medium, RuleExec: report.Medium,
		RuleEnvDump: report.None, RuleHiddenProcess: report.None}},
	{"ok_typescript.ts", report.Medium, map[string]report.Level{RuleChildProcess: report.Medium, RuleExec: report.Medium}},
	{"ok_jsx.jsx", report.None, nil},
	{"ok_declarations.d.ts", report.Medium, map[string]report.Level{RuleExec: report.None, RuleDynamicCode: report.None}},
	{"fail_escaped_name.js", report.High, map[string]report.Level{RuleHiddenName: report.High}},
	{"fail_base64_name.js", report.High, map[string]report.Level{RuleHiddenName: report.High, RuleDynamicRequire: report.Low}},
	{"fail_split_name.js", report.High, map[string]report.Level{RuleHiddenName: report.High}},
	{"fail_reversed_name.js", report.High, map[string]report.Level{RuleHiddenName: report.High}},
	{"fail_charcode.js", report.High, map[string]report.Level{RuleHiddenName: report.High}},
	{"fail_eval_decoded.js", report.High, map[string]report.Level{RuleDynamicCode: report.High, RuleCombination: report.High}},
	{"fail_shell_base64.js", report.High, map[string]report.Level{RuleShellDecode: report.High, RuleExec: report.Medium}},
	{"fail_powershell_enc.js", report.High, map[string]report.Level{RuleShellDecode: report.High}},
	{"fail_env_exfil.js", report.High, map[string]report.Level{RuleEnvDump: report.Medium, RuleCombination: report.High, RuleEnvSecret: report.Low}},
	{"fail_npmrc.js", report.High, map[string]report.Level{RuleCredential: report.Medium, RuleNetwork: report.Low, RuleCombination: report.High}},
	{"fail_hooks.js", report.High, map[string]report.Level{RuleHook: report.Medium, RuleCombination: report.High}},
	{"fail_hidden_spawn.js", report.High, map[string]report.Level{RuleHiddenProcess: report.High}},
	{"fail_module_compile.js", report.High, map[string]report.Level{RuleDynamicCode: report.Medium, RuleEncodedBlob: report.Medium, RuleCombination: report.High}},
	{"fail_unterminated.js", report.Medium, map[string]report.Level{RuleDynamicCode: report.Medium}},
	{"fail_obfuscated.js", report.Critical, map[string]report.Level{RuleObfuscator: report.High, RuleCombination: report.Critical}},
	{"fail_obfuscated_rc4.js", report.Critical, map[string]report.Level{RuleObfuscator: report.High}},
	{"src/loader.js", report.High, map[string]report.Level{RuleDynamicCode: report.Medium, RuleCombination: report.High, RuleNetwork: report.Low}},
	{"fail_blob_code.js", report.High, map[string]report.Level{RuleEncodedBlob: report.Medium, RuleDynamicCode: report.High, RuleEndpoint: report.Low, RuleNetwork: report.Low}},
	{"fail_hidden_url.js", report.High, map[string]report.Level{RuleHiddenName: report.High}},
	{"script_inject.js", report.Medium, map[string]report.Level{RuleScriptInject: report.Medium, RuleEndpoint: report.Low}},
	{"fail_then_eval.js", report.High, map[string]report.Level{RuleDynamicCode: report.Medium, RuleCombination: report.High}},
	{"fail_packed.js", report.High, map[string]report.Level{RuleObfuscator: report.High}},
	{"fail_packed_dropper.js", report.Critical, map[string]report.Level{RuleObfuscator: report.High, RuleExec: report.Medium, RuleChildProcess: report.Medium}},
	{"fail_escaped_eval.js", report.High, map[string]report.Level{RuleDynamicCode: report.High, RuleHiddenName: report.High, RuleChildProcess: report.Medium}},
	{"fail_jsfuck.js", report.High, map[string]report.Level{RuleObfuscator: report.High}},
	{"fail_page.html", report.High, map[string]report.Level{RuleHook: report.Medium, RuleCombination: report.High, RuleDynamicCode: report.None}},
	{"fail_obfuscated_b64.js", report.Critical, map[string]report.Level{RuleObfuscator: report.High, RuleHiddenName: report.High}},
	{"fail_obfuscated_plain.js", report.Critical, map[string]report.Level{RuleObfuscator: report.High}},
	{"fail_exec_decoded.js", report.High, map[string]report.Level{RuleShellDecode: report.High, RuleExec: report.Medium}},
	{"fail_minified_append.min.js", report.High, map[string]report.Level{RuleHiddenName: report.High, RuleEncodedBlob: report.Medium}},
}

func analyzeFile(t testing.TB, name string) []report.Finding {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f := &analyze.File{Path: name, Data: data, Size: int64(len(data)), Kind: analyze.Sniff(name, data)}
	return Analyzer{}.Analyze(f)
}

func TestFixtures(t *testing.T) {
	for _, tc := range fixtures {
		t.Run(tc.file, func(t *testing.T) {
			fs := analyzeFile(t, tc.file)
			if got := riskOf(fs); got != tc.risk {
				t.Errorf("risk %v, want %v; findings:\n%s", got, tc.risk, dump(fs))
			}
			for rule, want := range tc.rules {
				got := report.None
				for _, f := range fs {
					if f.Rule == rule && f.Level > got {
						got = f.Level
					}
				}
				if got != want {
					t.Errorf("%s: level %v, want %v", rule, got, want)
				}
			}
			for _, f := range fs {
				if f.Message == "" || f.Match == "" || f.Line < 1 || f.Column < 1 {
					t.Errorf("finding without evidence: %+v", f)
				}
			}
		})
	}
}

func dump(fs []report.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Level.String() + " " + f.Rule + " " + f.Match + "\n")
	}
	return b.String()
}

// TestEvidence checks that a finding points at its evidence: the line,
// column and offset of the call, and a match that names it.
func TestEvidence(t *testing.T) {
	src := []byte("// eval(x) in a comment\nvar s = 'eval(y)';\n  eval(code);\n")
	fs := Inspect(src)
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want 1:\n%s", len(fs), dump(fs))
	}
	f := fs[0]
	want := strings.Index(string(src), "eval(code)")
	if f.Rule != RuleDynamicCode || f.Line != 3 || f.Column != 3 || f.Offset != int64(want) || f.Match != "eval(<computed>)" {
		t.Errorf("got %+v, want %s at 3:3 offset %d", f, RuleDynamicCode, want)
	}
}

// TestHTMLPosition checks that findings in a page's script point into
// the page.
func TestHTMLPosition(t *testing.T) {
	fs := analyzeFile(t, "fail_page.html")
	data, _ := os.ReadFile(filepath.Join("testdata", "fail_page.html"))
	for _, f := range fs {
		if f.Rule == RuleHook && f.Match == "XMLHttpRequest.prototype.open =" {
			if f.Line != 12 || f.Column != 3 || !strings.HasPrefix(string(data[f.Offset:]), "XMLHttpRequest.prototype.open =") {
				t.Errorf("hook at %d:%d offset %d, want 12:3", f.Line, f.Column, f.Offset)
			}
			return
		}
	}
	t.Errorf("hook not found:\n%s", dump(fs))
}

// TestLiteralArguments checks that code fixed in the file is not dynamic.
func TestLiteralArguments(t *testing.T) {
	for _, src := range []string{
		`var g = Function("return this")();`,
		`var g = new Function("a", "b", "return a + b");`,
		"eval(`1 + 1`)",
		`eval("1" + "+1")`,
	} {
		if fs := Inspect([]byte(src)); len(fs) != 0 {
			t.Errorf("%s: got\n%s", src, dump(fs))
		}
	}
	for _, src := range []string{
		`var g = Function("return " + x)();`,
		`(0, eval)(code)`,
		`window.eval(code)`,
		"eval(`${code}`)",
		`vm.runInNewContext(src, {})`,
		`new vm.Script(src)`,
	} {
		fs := Inspect([]byte(src))
		if riskOf(fs) != report.Medium || fs[0].Rule != RuleDynamicCode {
			t.Errorf("%s: got\n%s", src, dump(fs))
		}
	}
}

// TestOtherKinds checks that only JavaScript and TypeScript are read.
func TestOtherKinds(t *testing.T) {
	data := []byte("eval(code)")
	for _, k := range []analyze.Kind{analyze.Python, analyze.Text, analyze.Binary, analyze.JSON} {
		if fs := (Analyzer{}).Analyze(&analyze.File{Path: "x", Data: data, Size: 10, Kind: k}); fs != nil {
			t.Errorf("%s: got findings %v", k, fs)
		}
	}
}

// TestDeterministic checks that the same input gives the same findings.
func TestDeterministic(t *testing.T) {
	for _, tc := range fixtures {
		a, b := analyzeFile(t, tc.file), analyzeFile(t, tc.file)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: findings differ between runs", tc.file)
		}
	}
}

// TestRules checks that every rule a finding can carry is documented.
func TestRules(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range (Analyzer{}).Rules() {
		if ids[r.ID] || r.Summary == "" || r.Help == "" {
			t.Errorf("rule %q duplicated or undocumented", r.ID)
		}
		ids[r.ID] = true
	}
	for _, tc := range fixtures {
		for _, f := range analyzeFile(t, tc.file) {
			if strings.HasPrefix(f.Rule, "js.") && !ids[f.Rule] { // others are lifted from analyze/shell
				t.Errorf("%s: rule %q not in Rules()", tc.file, f.Rule)
			}
		}
	}
}

// TestConcurrent analyzes the same bytes from many goroutines: Analyze
// must neither write to the file's data nor share state between calls.
func TestConcurrent(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "fail_obfuscated.js"))
	if err != nil {
		t.Fatal(err)
	}
	data = append(make([]byte, 0, len(data)+16), data...) // room past the end
	want := Inspect(data)
	done := make(chan []report.Finding)
	for i := 0; i < 8; i++ {
		go func() { done <- Inspect(data) }()
	}
	for i := 0; i < 8; i++ {
		if got := <-done; !reflect.DeepEqual(got, want) {
			t.Error("concurrent analysis differs")
		}
	}
}
func TestHashbang(t *testing.T) {
	fs := Inspect([]byte("#!/usr/bin/env node\n'use strict';\neval(x)\n"))
	if len(fs) != 1 || fs[0].Line != 3 || fs[0].Column != 1 || fs[0].Rule != RuleDynamicCode {
		t.Errorf("got %+v", fs)
	}
	if fs := Inspect([]byte("#!/bin/sh eval(x)")); len(fs) != 0 {
		t.Errorf("got %+v", fs)
	}
}
func TestCredentialNames(t *testing.T) {
	for s, want := range map[string]string{
		".ssh": ".ssh", "/home/u/.ssh": ".ssh", "C:\\Users\\u\\.aws\\config": ".aws", "Default/Cookies": "Cookies",
		"Cookies are small": "", "my.sshd": "", "Local Storage/leveldb": "Local Storage", "x/leveldb/": "leveldb",
		"~/.npmrc": ".npmrc", "hello": "",
	} {
		if got := credential(s); got != want {
			t.Errorf("credential(%q) = %q, want %q", s, got, want)
		}
	}
}
func TestTemplatePieces(t *testing.T) {
	fs := Inspect([]byte("const p = `${os.homedir()}/.npmrc`;\nfetch(`https://${host}/x`);\n[].constructor.constructor(code)();\n"))
	want := map[string]bool{RuleCredential: false, RuleNetwork: false, RuleDynamicCode: false, RuleCombination: false}
	for _, f := range fs {
		if _, ok := want[f.Rule]; ok {
			want[f.Rule] = true
		}
	}
	for r, ok := range want {
		if !ok {
			t.Errorf("%s missing:\n%s", r, dump(fs))
		}
	}
}

func TestScriptType(t *testing.T) {
	for tag, want := range map[string]bool{
		"<script": true, `<script type="module"`: true, `<script type='text/javascript'`: true,
		`<script type="application/json"`: false, "<scripttype=": true, `<script type="module"/`: true, "<script type=": true,
		`<script type="text/x-template" id=a`: false,
	} {
		if got := scriptType(tag); got != want {
			t.Errorf("scriptType(%q) = %v, want %v", tag, got, want)
		}
	}
}
