// Package cab opens cab containers as an fs.FS. (Not written yet.)
package cab

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens cab containers.
var Format = format.Format{
	Name:  "cab",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
