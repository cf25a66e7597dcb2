// Package apk opens Alpine Linux packages (apk v2) as an fs.FS.
//
// An apk is three gzip streams back to back: a signature tar, a control
// tar (.PKGINFO and the .pre-install, .post-install, .pre-upgrade,
// .post-upgrade, .pre-deinstall, .post-deinstall and .trigger scripts that
// apk runs as root) and the data tar. abuild cuts the end-of-archive
// blocks off the first two, so read as one decompressed stream they are a
// single tar, and that is how the package is shown: the signature and
// control files at the top, as apk itself unpacks them, beside the payload
// at its installed paths. A data file named like a control file is
// renamed by format.Namer and reported. The data stream is checked against
// the datahash in .PKGINFO.
package apk

import (
	"bytes"
	"io"
	"io/fs"
	"strings"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/compress"
	"github.com/vigilsec/vigil/format/tar"
)

// Format recognises an apk by a gzip stream whose first tar entry is a
// signature or .PKGINFO; an Android .apk is a zip and never matches.
var Format = format.Format{
	Name:  "apk",
	Match: func(name string, head []byte) bool { return isAPK(head) },
	Open: func(name string, src format.Source, lim format.Limits) (fs.FS, error) {
		t, err := Open(src, lim)
		if err != nil {
			return nil, err
		}
		return t, nil
	},
}

func isAPK(head []byte) bool {
	if compress.Detect(head) != compress.Gzip {
		return false
	}
	block := compress.Peek(head, 512)
	if !tar.IsHeader(block) {
		return false
	}
	name := string(block[:bytes.IndexByte(append(block[:100:100], 0), 0)])
	return strings.HasPrefix(name, ".SIGN.") || name == ".PKGINFO"
}

// Tree is an opened apk: the tar stream's tree, with the datahash check's
// problem, if any, after the tar's own.
type Tree struct {
	*format.Tree
	problems []format.Problem
}

// Problems implements format.ProblemReporter.
func (t *Tree) Problems() []format.Problem { return t.problems }

// Open reads an apk package.
func Open(src format.Source, lim format.Limits) (*Tree, error) {
	if !isAPK(format.Head(src, 4096)) {
		return nil, format.ErrNotFormat
	}
	t, err := tar.OpenStream(io.NewSectionReader(src, 0, src.Size()), lim)
	if err != nil {
		return nil, err
	}
	out := &Tree{Tree: t, problems: t.Problems()}
	if info, err := fs.ReadFile(t, ".PKGINFO"); err == nil {
		if p := checkDataHash(src, info); p != nil {
			out.problems = append(out.problems, *p)
		}
	}
	return out, nil
}
