// Package deb opens deb containers as an fs.FS. (Not written yet.)
package deb

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens deb containers.
var Format = format.Format{
	Name:  "deb",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
