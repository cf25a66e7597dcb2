// Package squirrel opens squirrel containers as an fs.FS. (Not written yet.)
package squirrel

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens squirrel containers.
var Format = format.Format{
	Name:  "squirrel",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
