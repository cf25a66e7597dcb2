// Package tar opens tar containers as an fs.FS. (Not written yet.)
package tar

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens tar containers.
var Format = format.Format{
	Name:  "tar",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
