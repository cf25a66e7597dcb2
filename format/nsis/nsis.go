// Package nsis opens nsis containers as an fs.FS. (Not written yet.)
package nsis

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens nsis containers.
var Format = format.Format{
	Name:  "nsis",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
