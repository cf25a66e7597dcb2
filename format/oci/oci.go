// Package oci opens oci containers as an fs.FS. (Not written yet.)
package oci

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens oci containers.
var Format = format.Format{
	Name:  "oci",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
