// Package asar opens asar containers as an fs.FS. (Not written yet.)
package asar

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens asar containers.
var Format = format.Format{
	Name:  "asar",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
