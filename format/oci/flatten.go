package oci

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/tar"
)

// Whiteout names from the OCI image spec (image-layout, "Whiteouts"): a
// ".wh.NAME" file deletes NAME from the layers below; ".wh..wh..opq" in a
// directory deletes everything the layers below put in it.
const (
	whiteoutPrefix = ".wh."
	opaqueWhiteout = ".wh..wh..opq"
)

// maxLayers bounds the layers of one image; Docker refuses more than 127.
const maxLayers = 256

// layer is one layer to apply: where to read it, and the digest its bytes
// must have ("" when the container gives none, as in legacy docker save).
type layer struct {
	path   string // in the container's fs
	digest v1.Hash
}

// image is a filesystem being built by applying layers in order.
type image struct {
	files    map[string]*format.Entry
	problems []format.Problem
	read     int64 // decompressed bytes so far, against lim.MaxTotalBytes
}

func newImage() *image { return &image{files: map[string]*format.Entry{}} }

// apply reads one layer from fsys and lays it over the image.
func (img *image) apply(fsys fs.FS, l layer, lim format.Limits) {
	f, err := fsys.Open(l.path)
	if err != nil {
		img.problem(l.path, format.RuleMalformed, fmt.Sprintf("layer %s is missing: %v", l.path, err))
		return
	}
	defer f.Close()
	h := sha256.New()
	left := lim
	left.MaxTotalBytes = max(lim.MaxTotalBytes-img.read, 0)
	t, err := tar.OpenStream(io.TeeReader(f, h), left)
	if err != nil {
		img.problem(l.path, format.RuleMalformed, fmt.Sprintf("layer %s: %v", l.path, err))
		return
	}
	// The digest covers the whole blob, including what follows the tar's
	// end-of-archive blocks.
	io.Copy(h, io.LimitReader(f, lim.MaxEntryBytes))
	if l.digest.Algorithm == "sha256" {
		if got := hex.EncodeToString(h.Sum(nil)); got != l.digest.Hex {
			img.problem(l.path, RuleDigestMismatch, fmt.Sprintf("layer %s has digest sha256:%s; the manifest says %s", l.path, got, l.digest))
		}
	}
	for _, p := range t.Problems() {
		p.Message = fmt.Sprintf("layer %s: %s", l.path, p.Message)
		img.problems = append(img.problems, p)
	}
	var files []string
	fs.WalkDir(t, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			img.read += info.Size()
		}
		base := path.Base(p)
		switch {
		case base == opaqueWhiteout:
			img.remove(path.Dir(p), false)
		case strings.HasPrefix(base, whiteoutPrefix):
			img.remove(path.Join(path.Dir(p), strings.TrimPrefix(base, whiteoutPrefix)), true)
		default:
			files = append(files, p)
		}
		return nil
	})
	// Whiteouts hide only what the layers below put there, so the layer's
	// own files are laid down after all of them are applied.
	for _, p := range files {
		info, err := fs.Stat(t, p)
		if err != nil {
			continue
		}
		img.files[p] = &format.Entry{
			Name: p, Size: info.Size(), Mode: info.Mode(), ModTime: info.ModTime(),
			Open: func() (io.ReadCloser, error) { return t.Open(p) },
		}
	}
}

// remove deletes everything under dir and, if self, dir itself.
func (img *image) remove(dir string, self bool) {
	if self {
		delete(img.files, dir)
	}
	prefix := dir + "/"
	if dir == "." {
		prefix = ""
	}
	for name := range img.files {
		if strings.HasPrefix(name, prefix) {
			delete(img.files, name)
		}
	}
}

func (img *image) problem(p, rule, msg string) {
	img.problems = append(img.problems, format.Problem{Rule: rule, Message: msg, Offset: -1})
}
