// Package compress opens compress containers as an fs.FS. (Not written yet.)
package compress

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens compress containers.
var Format = format.Format{
	Name:  "compress",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
