// Package dmg opens dmg containers as an fs.FS. (Not written yet.)
package dmg

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens dmg containers.
var Format = format.Format{
	Name:  "dmg",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
