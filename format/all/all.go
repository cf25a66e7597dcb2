// Package all lists every container format vigil opens.
package all

import (
	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/apk"
	"github.com/vigilsec/vigil/format/asar"
	"github.com/vigilsec/vigil/format/cab"
	"github.com/vigilsec/vigil/format/compress"
	"github.com/vigilsec/vigil/format/deb"
	"github.com/vigilsec/vigil/format/dmg"
	"github.com/vigilsec/vigil/format/msi"
	"github.com/vigilsec/vigil/format/nsis"
	"github.com/vigilsec/vigil/format/oci"
	"github.com/vigilsec/vigil/format/rpm"
	"github.com/vigilsec/vigil/format/sevenzip"
	"github.com/vigilsec/vigil/format/squirrel"
	"github.com/vigilsec/vigil/format/tar"
	"github.com/vigilsec/vigil/format/zip"
)

// Formats returns the formats in the order the walker tries them: the most
// specific first, since an NSIS installer is also a PE file and a docker
// image is also a tar.
func Formats() []format.Format {
	return []format.Format{
		nsis.Format,
		squirrel.Format,
		msi.Format,
		cab.Format,
		deb.Format,
		rpm.Format,
		dmg.Format,
		oci.Format,
		apk.Format,
		tar.Format,
		compress.Format,
		zip.Format,
		sevenzip.Format,
		asar.Format,
	}
}

// DirFormats returns the formats a directory itself may be in.
func DirFormats() []format.DirFormat {
	return []format.DirFormat{
		{Name: "oci", Is: oci.IsLayout, Open: oci.OpenLayout},
	}
}
