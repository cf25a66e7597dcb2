// Package zip opens zip containers as an fs.FS. (Not written yet.)
package zip

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens zip containers.
var Format = format.Format{
	Name:  "zip",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
