package js

import (
	"bytes"
	"testing"
	"time"
)

// TestLinear feeds each rule a quarter megabyte of its own trigger,
// repeated and unbalanced, and fails if any takes long: a rule that
// rescans the file per token would take minutes here.
func TestLinear(t *testing.T) {
	for _, p := range []string{
		"(", "[", "{", "}", ")", "\n", "x\n", "/", "a/", "// c\n", "/* */", "`${",
		"eval(", "require(", "exec(", "a(b(c(d(", "'a'+", "'\\x41'", "_0x1234+",
		"while(!![]", "parseInt(", "window.", "process.env,", "String.fromCharCode(",
		"Buffer.from('", `"aGVsbG8gd29ybGQ=",`, `"6368696c645f70726f63657373",`,
		"spawn(a,{detached:true,windowsHide:true},", "eval(eval(", "spawn('sh',",
		"eval('\\x41'),", "eval('eval(\\'eval(1)\\')'),", "Buffer.from([1,", "eval(function(p,a,c,k,e,d){",
		"<script>", "[]+!",
	} {
		src := bytes.Repeat([]byte(p), 256<<10/len(p))
		start := time.Now()
		Inspect(src)
		inspectHTML(src)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%q repeated %d times: %v", p, 256<<10/len(p), d)
		}
	}
}
