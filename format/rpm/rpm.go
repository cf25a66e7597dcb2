// Package rpm opens rpm containers as an fs.FS. (Not written yet.)
package rpm

import (
	"io/fs"

	"github.com/vigilsec/vigil/format"
)

// Format recognises and opens rpm containers.
var Format = format.Format{
	Name:  "rpm",
	Match: func(name string, head []byte) bool { return false },
	Open:  func(name string, src format.Source, lim format.Limits) (fs.FS, error) { return nil, format.ErrNotFormat },
}
