package js

import (
	"bytes"
	"io"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/js"
)

// tok is one significant token: no whitespace, line breaks or comments,
// so a comment that says eval never reaches the rules.
type tok struct {
	t    js.TokenType
	s, e int32 // byte range in the source
}

// maxTokens bounds the token list of one file; past it the rest of the file
// is not looked at. At ~4 bytes a token it covers any file under the
// analysis bound that real code reaches.
const maxTokens = 4 << 20

// tokenize lexes src into its significant tokens. It never fails: on a
// lexing error (TypeScript, JSX, garbage) it skips a rune and carries on,
// so strings and comments are still told apart from code.
func tokenize(src []byte) []tok {
	// A full-capacity slice makes parse.Input copy rather than write the NUL
	// terminator into a buffer other analyzers may be reading.
	pos := 0
	if bytes.HasPrefix(src, []byte("#!")) { // a hashbang line is not JavaScript
		pos = bytes.IndexByte(src, '\n') + 1
		if pos == 0 {
			return nil
		}
	}
	l := js.NewLexer(parse.NewInputBytes(src[pos:len(src):len(src)]))
	toks := make([]tok, 0, min(len(src)/5+16, maxTokens))
	prev := js.ErrorToken
	stuck := 0
	for len(toks) < maxTokens && pos < len(src) {
		tt, text := l.Next()
		if (tt == js.DivToken || tt == js.DivEqToken) && !endsOperand(prev) {
			// The regexp starts where the slash did. If it is unterminated
			// the lexer folds the skipped bytes into the next token.
			tt, text = l.RegExp()
		}
		if len(text) == 0 {
			// An error that consumed nothing, or the end of the input.
			stuck++
			if l.Err() == io.EOF || stuck > 2 {
				break
			}
			continue
		}
		stuck = 0
		start := pos
		pos += len(text)
		switch tt {
		case js.WhitespaceToken, js.LineTerminatorToken, js.CommentToken, js.CommentLineTerminatorToken, js.ErrorToken:
			continue
		}
		toks = append(toks, tok{t: tt, s: int32(start), e: int32(pos)})
		prev = tt
	}
	return toks
}

// endsOperand reports whether a slash after a token of type t divides
// rather than starts a regular expression literal.
func endsOperand(t js.TokenType) bool {
	switch {
	case t == js.IdentifierToken || js.IsIdentifier(t) || js.IsNumeric(t):
		return true
	}
	switch t {
	case js.StringToken, js.TemplateToken, js.TemplateEndToken, js.RegExpToken,
		js.CloseParenToken, js.CloseBracketToken, js.PrivateIdentifierToken,
		js.ThisToken, js.SuperToken, js.NullToken, js.TrueToken, js.FalseToken,
		js.IncrToken, js.DecrToken:
		return true
	}
	return false
}
