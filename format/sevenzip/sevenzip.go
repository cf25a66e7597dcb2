// Package sevenzip opens sevenzip containers as an fs.FS. (Not written yet.)
package sevenzip

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens sevenzip containers.
var Format = format.Format{
	Name:  "sevenzip",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
