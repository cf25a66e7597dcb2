// Package msi opens msi containers as an fs.FS. (Not written yet.)
package msi

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens msi containers.
var Format = format.Format{
	Name:  "msi",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
