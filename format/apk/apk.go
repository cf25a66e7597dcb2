// Package apk opens apk containers as an fs.FS. (Not written yet.)
package apk

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens apk containers.
var Format = format.Format{
	Name:  "apk",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
