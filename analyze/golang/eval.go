package golang

import (
	"encoding/base64"
	"encoding/hex"
	"go/ast"
	"go/constant"
	"go/token"
	"strconv"
	"strings"
)

// A value is what static folding learned of an expression: a string, or a
// list of strings for a slice, and how it was hidden ("" when written in
// the clear).
type value struct {
	s      string
	list   []string
	isList bool
	how    string
	parts  int // pieces taken by index from literal slices or strings
}

// shuffled is the number of indexed pieces from which a string counts as
// reassembled out of order.
const shuffled = 3

// mark names the indexing in how once enough pieces are put together.
func (v value) mark() value {
	if v.parts >= shuffled {
		v.how = join(v.how, "index-shuffled parts")
	}
	return v
}

// maxValue bounds a folded string, and maxDepth the folding recursion, so
// that a chain of self-concatenations costs no more than reading it.
const (
	maxValue = 64 << 10
	maxDepth = 24
)

// evaluator folds expressions using the bindings in scope: package-level
// and, inside a function, that function's own. A name bound twice to
// different expressions is not folded.
type evaluator struct {
	imports map[string]string // local name -> import path
	global  map[string]ast.Expr
	local   map[string]ast.Expr // bindings of scope, collected on first use
	scopeOf ast.Node
	params  map[string]value         // arguments of a function being inlined
	funcs   map[string]*ast.FuncDecl // the file's plain functions
	budget  int                      // fold steps left for one expression
	work    int                      // fold steps and folded bytes left for the whole file
}

// fileWork bounds the folding of one file: steps plus bytes produced. A
// file of self-concatenations stops folding, not the analysis.
const fileWork = 8 << 20

// spend takes n units of the file's work, reporting whether any are left.
func (e *evaluator) spend(n int) bool {
	e.work -= n
	return e.work > 0
}

// scope makes n, a function or a package-level declaration, the node whose
// bindings are local.
func (e *evaluator) scope(n ast.Node) { e.local, e.scopeOf = nil, n }

// bind records name = e in m, marking a second, different binding with nil.
func bind(m map[string]ast.Expr, name string, e ast.Expr) {
	if name == "_" {
		return
	}
	if old, ok := m[name]; ok && old != e {
		m[name] = nil
		return
	}
	m[name] = e
}

// bindings collects the single-name assignments and declarations under n.
func bindings(n ast.Node, m map[string]ast.Expr) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if ix, ok := l.(*ast.IndexExpr); ok {
					if id, ok := ix.X.(*ast.Ident); ok {
						m[id.Name] = nil // changed in place: b[i], b[j] = b[j], b[i]
					}
				}
			}
			if len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						bind(m, id.Name, n.Rhs[i])
					}
				}
			} else if len(n.Rhs) == 1 {
				// b, err := base64.StdEncoding.DecodeString(...)
				if id, ok := n.Lhs[0].(*ast.Ident); ok {
					bind(m, id.Name, n.Rhs[0])
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				switch {
				case len(n.Values) == len(n.Names):
					bind(m, id.Name, n.Values[i])
				case len(n.Values) == 1 && i == 0:
					bind(m, id.Name, n.Values[0])
				}
			}
		}
		return true
	})
}

func (e *evaluator) lookup(name string) ast.Expr {
	if e.local == nil && e.scopeOf != nil {
		e.local = map[string]ast.Expr{}
		if fn, ok := e.scopeOf.(*ast.FuncDecl); ok {
			// Parameters hide package-level names and are not known.
			for _, l := range []*ast.FieldList{fn.Recv, fn.Type.Params, fn.Type.Results} {
				if l == nil {
					continue
				}
				for _, f := range l.List {
					for _, n := range f.Names {
						e.local[n.Name] = nil
					}
				}
			}
			bindings(fn.Body, e.local)
		} else {
			bindings(e.scopeOf, e.local)
		}
	}
	if x, ok := e.local[name]; ok {
		return x
	}
	return e.global[name]
}

// callee names a package-qualified function, "os/exec.Command", resolving
// the import's local name; "" for anything else.
func (e *evaluator) callee(fun ast.Expr) string {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	switch x := sel.X.(type) {
	case *ast.Ident:
		if p, ok := e.imports[x.Name]; ok {
			return p + "." + sel.Sel.Name
		}
	case *ast.SelectorExpr: // base64.StdEncoding.DecodeString
		if id, ok := x.X.(*ast.Ident); ok {
			if p, ok := e.imports[id.Name]; ok {
				return p + "." + x.Sel.Name + "." + sel.Sel.Name
			}
		}
	}
	return ""
}

// eval folds x, reporting false when it depends on anything not literal.
func (e *evaluator) eval(x ast.Expr) (value, bool) {
	e.budget = 2000
	return e.fold(x, 0)
}

func (e *evaluator) fold(x ast.Expr, depth int) (value, bool) {
	e.budget--
	if depth > maxDepth || e.budget < 0 || x == nil || !e.spend(1) {
		return value{}, false
	}
	switch x := x.(type) {
	case *ast.ParenExpr:
		return e.fold(x.X, depth+1)
	case *ast.BasicLit:
		return literal(x)
	case *ast.Ident:
		if v, ok := e.params[x.Name]; ok {
			return v, true
		}
		return e.fold(e.lookup(x.Name), depth+1)
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return value{}, false
		}
		// a + b + c nests to the left: fold the chain as a list, so that
		// a long concatenation does not count against the depth.
		var terms []ast.Expr
		for y := ast.Expr(x); ; {
			b, ok := y.(*ast.BinaryExpr)
			if !ok || b.Op != token.ADD {
				terms = append(terms, y)
				break
			}
			terms = append(terms, b.Y)
			y = b.X
		}
		var v value
		var sb strings.Builder
		for i := len(terms) - 1; i >= 0; i-- {
			t, ok := e.fold(terms[i], depth+1)
			if !ok || t.isList || sb.Len()+len(t.s) > maxValue || !e.spend(len(t.s)) {
				return value{}, false
			}
			sb.WriteString(t.s)
			v.how, v.parts = join(v.how, t.how), v.parts+t.parts
		}
		v.s = sb.String()
		return v.mark(), true
	case *ast.CompositeLit:
		return e.composite(x, depth)
	case *ast.IndexExpr:
		a, ok1 := e.fold(x.X, depth+1)
		i, ok2 := e.fold(x.Index, depth+1)
		n, err := strconv.Atoi(i.s)
		if !ok1 || !ok2 || err != nil || n < 0 {
			return value{}, false
		}
		switch {
		case a.isList && n < len(a.list):
			return value{s: a.list[n], how: a.how, parts: a.parts + 1}, true
		case !a.isList && n < len(a.s):
			return value{s: a.s[n : n+1], how: a.how, parts: a.parts + 1}, true
		}
	case *ast.CallExpr:
		return e.call(x, depth)
	}
	return value{}, false
}

// literal reads a string, character or integer literal; integers come out
// as their decimal text so that byte slices and indexes can use them.
func literal(x *ast.BasicLit) (value, bool) {
	v := constant.MakeFromLiteral(x.Value, x.Kind, 0)
	switch v.Kind() {
	case constant.String:
		return value{s: constant.StringVal(v)}, true
	case constant.Int:
		if n, ok := constant.Int64Val(v); ok {
			return value{s: strconv.FormatInt(n, 10)}, true
		}
	}
	return value{}, false
}

func join(a, b string) string {
	switch {
	case a == "" || a == b:
		return b
	case b == "":
		return a
	}
	return a + ", " + b
}

// composite folds []string{...} to a list and []byte{...} or []rune{...}
// of numbers or characters to a string.
func (e *evaluator) composite(x *ast.CompositeLit, depth int) (value, bool) {
	at, ok := x.Type.(*ast.ArrayType)
	if !ok {
		return value{}, false
	}
	elt, _ := at.Elt.(*ast.Ident)
	if elt == nil {
		return value{}, false
	}
	switch elt.Name {
	case "string":
		v := value{isList: true}
		for _, el := range x.Elts {
			if _, kv := el.(*ast.KeyValueExpr); kv {
				return value{}, false
			}
			s, ok := e.fold(el, depth+1)
			if !ok || s.isList {
				return value{}, false
			}
			v.list = append(v.list, s.s)
			v.how = join(v.how, s.how)
			v.parts += s.parts
		}
		return v, true
	case "byte", "uint8", "rune", "int32":
		var b strings.Builder
		for _, el := range x.Elts {
			bl, ok := el.(*ast.BasicLit)
			if !ok {
				return value{}, false
			}
			c := constant.MakeFromLiteral(bl.Value, bl.Kind, 0)
			n, ok := constant.Int64Val(constant.ToInt(c))
			if !ok || n < 0 || n > 0x10ffff {
				return value{}, false
			}
			if elt.Name == "byte" || elt.Name == "uint8" {
				b.WriteByte(byte(n))
			} else {
				b.WriteRune(rune(n))
			}
		}
		return value{s: b.String(), how: elt.Name + " slice"}, true
	}
	return value{}, false
}

// decoders are the standard library calls folded on literal input.
var decoders = map[string]func(string) ([]byte, error){
	"encoding/base64.StdEncoding.DecodeString":    base64.StdEncoding.DecodeString,
	"encoding/base64.URLEncoding.DecodeString":    base64.URLEncoding.DecodeString,
	"encoding/base64.RawStdEncoding.DecodeString": base64.RawStdEncoding.DecodeString,
	"encoding/base64.RawURLEncoding.DecodeString": base64.RawURLEncoding.DecodeString,
	"encoding/hex.DecodeString":                   hex.DecodeString,
}

func (e *evaluator) call(x *ast.CallExpr, depth int) (value, bool) {
	if id, ok := x.Fun.(*ast.Ident); ok && len(x.Args) == 1 {
		switch id.Name {
		case "string": // string(b), string([]byte{...}), string(rune)
			v, ok := e.fold(x.Args[0], depth+1)
			if !ok || v.isList {
				return value{}, false
			}
			if _, lit := x.Args[0].(*ast.BasicLit); lit {
				if n, err := strconv.Atoi(v.s); err == nil && n >= 0 && n <= 0x10ffff {
					return value{s: string(rune(n)), how: "character codes"}, true
				}
			}
			return v, true
		}
	}
	if at, ok := x.Fun.(*ast.ArrayType); ok && len(x.Args) == 1 { // []byte("...")
		if id, ok := at.Elt.(*ast.Ident); ok && (id.Name == "byte" || id.Name == "rune") {
			return e.fold(x.Args[0], depth+1)
		}
	}
	if id, ok := x.Fun.(*ast.Ident); ok && e.funcs[id.Name] != nil {
		return e.inline(e.funcs[id.Name], x.Args, depth)
	}
	name := e.callee(x.Fun)
	if dec, ok := decoders[name]; ok && len(x.Args) == 1 {
		v, ok := e.fold(x.Args[0], depth+1)
		if !ok || v.isList {
			return value{}, false
		}
		b, err := dec(strings.TrimSpace(v.s))
		if err != nil {
			return value{}, false
		}
		how := "base64"
		if strings.HasPrefix(name, "encoding/hex") {
			how = "hex"
		}
		return value{s: string(b), how: join(v.how, how)}, true
	}
	switch name {
	case "strings.Join":
		if len(x.Args) != 2 {
			break
		}
		l, ok1 := e.fold(x.Args[0], depth+1)
		sep, ok2 := e.fold(x.Args[1], depth+1)
		if !ok1 || !ok2 || !l.isList || sep.isList {
			break
		}
		how := l.how
		if fragments(l.list) {
			how = join(how, "one-character fragments")
		}
		n := len(sep.s) * len(l.list)
		for _, p := range l.list {
			n += len(p)
		}
		if n > maxValue || !e.spend(n) {
			break
		}
		s := strings.Join(l.list, sep.s)
		if len(s) > maxValue {
			break
		}
		return value{s: s, how: how, parts: l.parts}.mark(), true
	case "fmt.Sprintf":
		return e.sprintf(x, depth)
	case "strings.TrimSpace", "strings.ToLower":
		if len(x.Args) == 1 {
			v, ok := e.fold(x.Args[0], depth+1)
			if ok && !v.isList {
				if name == "strings.ToLower" {
					v.s = strings.ToLower(v.s)
				} else {
					v.s = strings.TrimSpace(v.s)
				}
				return v, true
			}
		}
	}
	return value{}, false
}

// fragments reports whether a list is a string spelled one character at a
// time.
func fragments(list []string) bool {
	if len(list) < 4 {
		return false
	}
	for _, s := range list {
		if len(s) > 1 {
			return false
		}
	}
	return true
}

// sprintf folds fmt.Sprintf with a literal format and %s, %v, %d verbs.
func (e *evaluator) sprintf(x *ast.CallExpr, depth int) (value, bool) {
	if len(x.Args) == 0 {
		return value{}, false
	}
	f, ok := e.fold(x.Args[0], depth+1)
	if !ok || f.isList {
		return value{}, false
	}
	var b strings.Builder
	how, arg := f.how, 1
	for i := 0; i < len(f.s); i++ {
		c := f.s[i]
		if c != '%' || i+1 == len(f.s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch f.s[i] {
		case '%':
			b.WriteByte('%')
		case 's', 'v', 'd':
			if arg >= len(x.Args) {
				return value{}, false
			}
			v, ok := e.fold(x.Args[arg], depth+1)
			if !ok || v.isList {
				return value{}, false
			}
			arg++
			b.WriteString(v.s)
			how = join(how, v.how)
			if !e.spend(len(v.s)) {
				return value{}, false
			}
		default:
			return value{}, false
		}
		if b.Len() > maxValue {
			return value{}, false
		}
	}
	return value{s: b.String(), how: how}, true
}

// inline folds a call to one of the file's functions that ends in a single
// return, decode(s) or join(parts), with its parameters bound to the folded
// arguments and its own bindings in scope.
func (e *evaluator) inline(fn *ast.FuncDecl, args []ast.Expr, depth int) (value, bool) {
	body := fn.Body.List
	if len(body) == 0 || fn.Type.Params == nil {
		return value{}, false
	}
	ret, ok := body[len(body)-1].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return value{}, false
	}
	params := map[string]value{}
	i := 0
	for _, f := range fn.Type.Params.List {
		for _, n := range f.Names {
			if i >= len(args) {
				return value{}, false
			}
			v, ok := e.fold(args[i], depth+1)
			if !ok {
				return value{}, false
			}
			params[n.Name] = v
			i++
		}
	}
	if i != len(args) {
		return value{}, false
	}
	saved := *e
	e.params, e.scopeOf, e.local = params, fn, nil
	v, ok := e.fold(ret.Results[0], depth+1)
	saved.budget, saved.work = e.budget, e.work
	*e = saved
	return v, ok
}
