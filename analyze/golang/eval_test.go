package golang

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestFold checks static folding of the shapes that hide strings. Each
// source declares x; the folded value and how it was hidden are compared.
func TestFold(t *testing.T) {
	for _, tc := range []struct {
		src, want, how string
		ok             bool
	}{
		{`var x = "a" + "b" + ("c" + "d")`, "abcd", "", true},
		{`const y = "ls"; var x = y + " -l"`, "ls -l", "", true},
		{`var x = string([]byte{0x69, 'd', 105})`, "idi", "byte slice", true},
		{`var x = string([]rune{0x263a})`, "☺", "rune slice", true},
		{`var x = strings.Join([]string{"c", "u", "r", "l"}, "")`, "curl", "one-character fragments", true},
		{`var p = []string{"b", "a", "c"}; var x = p[1] + p[0] + p[2]`, "abc", "index-shuffled parts", true},
		{`var p = []string{"b", "a"}; var x = p[1] + p[0]`, "ab", "", true},
		{`var x, _ = base64.StdEncoding.DecodeString("aWQ=")`, "id", "base64", true},
		{`var x, _ = hex.DecodeString("6964")`, "id", "hex", true},
		{`var x = fmt.Sprintf("%s://%s/%d", "https", "a.example", 7)`, "https://a.example/7", "", true},
		{`func d(s string) string { b, _ := hex.DecodeString(s); return string(b) }; var x = d("6964")`, "id", "hex", true},
		{`func r(s string) string { b := []byte(s); b[0], b[1] = b[1], b[0]; return string(b) }; var x = r("ab")`, "", "", false},
		{`var x = os.Getenv("HOME") + "/.ssh"`, "", "", false},
		{`var x = x + x`, "", "", false},
		{`var x = fmt.Sprintf("%q", "a")`, "", "", false},
	} {
		src := "package p\nimport (\"encoding/base64\"; \"encoding/hex\"; \"fmt\"; \"os\"; \"strings\")\n" + tc.src + "\n"
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", src, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		c := &checker{fset: fset, seen: map[string]bool{}}
		c.ev = evaluator{imports: map[string]string{}, global: map[string]ast.Expr{}, funcs: map[string]*ast.FuncDecl{}, work: fileWork}
		c.imports(f)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				bindings(d, c.ev.global)
			case *ast.FuncDecl:
				c.ev.funcs[d.Name.Name] = d
			}
		}
		v, ok := c.ev.eval(ast.NewIdent("x"))
		if ok != tc.ok || ok && (v.s != tc.want || v.how != tc.how) {
			t.Errorf("%s: got %q, %q, %v; want %q, %q, %v", tc.src, v.s, v.how, ok, tc.want, tc.how, tc.ok)
		}
	}
}
