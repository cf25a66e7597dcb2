// Package oci opens container images as an fs.FS: a "docker save"
// tarball (manifest.json and layer tars) or an OCI image layout (oci-layout,
// index.json and blobs/), either as a tar or as a directory.
//
// An image is shown as the filesystem a container started from it would
// see: its layers applied in order, with whiteouts (".wh.NAME" and
// ".wh..wh..opq") deleting what lower layers put there. The image config,
// which holds the entrypoint, command and environment, is shown beside it
// as "[image]/config.json". A tar or layout holding several images shows
// each under a directory named after its tag, platform or digest.
//
// Every layer and config whose name is a digest is checked against it; a
// mismatch is a Problem, since it means a blob was changed after the
// manifest was written.
package oci

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/compress"
	"github.com/vigilsec/vigil/format/tar"
)

// Format recognises a plain tar, or a compressed tar whose first entry is
// named like a part of an image; Open then decides whether it holds an
// image and returns format.ErrNotFormat when it does not, so the walker
// opens it as a plain tar instead.
var Format = format.Format{
	Name:  "oci",
	Match: match,
	Open:  open,
}

// match accepts any plain tar, since indexing one twice costs only its
// headers, but a compressed tar only when its first entry looks like part
// of an image (docker save | gzip), since indexing it twice would
// decompress it twice.
func match(name string, head []byte) bool {
	if tar.IsHeader(head) {
		return true
	}
	block := compress.Peek(head, 512)
	if !tar.IsHeader(block) {
		return false
	}
	first := strings.TrimPrefix(string(block[:bytes.IndexByte(append(block[:100:100], 0), 0)]), "./")
	first, _, _ = strings.Cut(first, "/")
	switch first {
	case "oci-layout", "index.json", "manifest.json", "repositories", "blobs":
		return true
	}
	// Legacy docker save: a directory or config named by a 64-hex ID.
	id := strings.TrimSuffix(first, ".json")
	return len(id) == 64 && strings.Trim(id, "0123456789abcdef") == ""
}

// RuleDigestMismatch is reported for a blob whose bytes do not have the
// digest it is named by; the same ID as packages rpm and deb use.
const RuleDigestMismatch = format.RuleDigestMismatch

// ConfigName is where an image's config is shown.
const ConfigName = "[image]/config.json"

// Bounds on the JSON documents and images of one container.
const (
	maxJSON   = 4 << 20
	maxImages = 64
)

func open(name string, src format.Source, lim format.Limits) (fs.FS, error) {
	outer, err := tar.Format.Open(name, src, lim)
	if err != nil {
		return nil, format.ErrNotFormat
	}
	if _, err := fs.Stat(outer, "manifest.json"); err == nil {
		return openDockerSave(outer, lim)
	}
	if IsLayout(outer) {
		return OpenLayout(outer, lim)
	}
	return nil, format.ErrNotFormat
}

// IsLayout reports whether fsys is an OCI image layout.
func IsLayout(fsys fs.FS) bool {
	_, err1 := fs.Stat(fsys, "oci-layout")
	_, err2 := fs.Stat(fsys, "index.json")
	return err1 == nil && err2 == nil
}

// OpenLayout opens the OCI image layout in fsys: the images its index.json
// names, each flattened. Nested indexes (multi-platform images) are
// followed one level down.
func OpenLayout(fsys fs.FS, lim format.Limits) (fs.FS, error) {
	var idx v1.IndexManifest
	if err := readJSON(fsys, "index.json", &idx); err != nil {
		return nil, err
	}
	var b builder
	for _, d := range idx.Manifests {
		if d.MediaType.IsIndex() {
			var nested v1.IndexManifest
			if err := readJSON(fsys, blobPath(d.Digest), &nested); err != nil {
				b.problem(fmt.Sprintf("index %s: %v", d.Digest, err))
				continue
			}
			for _, n := range nested.Manifests {
				b.addLayoutImage(fsys, n, lim)
			}
			continue
		}
		b.addLayoutImage(fsys, d, lim)
	}
	return b.build(lim)
}

func blobPath(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

func (b *builder) addLayoutImage(fsys fs.FS, d v1.Descriptor, lim format.Limits) {
	if !d.MediaType.IsImage() && d.MediaType != "" {
		return // an artifact, a signature, an attestation
	}
	var m v1.Manifest
	if err := readJSON(fsys, blobPath(d.Digest), &m); err != nil {
		b.problem(fmt.Sprintf("manifest %s: %v", d.Digest, err))
		return
	}
	im := pending{config: blobPath(m.Config.Digest), configDigest: m.Config.Digest, label: label(d)}
	for _, l := range m.Layers {
		im.layers = append(im.layers, layer{path: blobPath(l.Digest), digest: l.Digest})
	}
	b.add(fsys, im)
}

// label names an image of a layout by its ref name, platform or digest.
func label(d v1.Descriptor) string {
	if ref := d.Annotations["org.opencontainers.image.ref.name"]; ref != "" {
		return ref
	}
	if p := d.Platform; p != nil {
		return strings.Join([]string{p.OS, p.Architecture, p.Variant}, "-")
	}
	return d.Digest.Hex[:min(12, len(d.Digest.Hex))]
}

// openDockerSave opens the images a docker save tarball's manifest.json
// lists. Layer paths are relative to the tarball's root.
func openDockerSave(fsys fs.FS, lim format.Limits) (fs.FS, error) {
	var m tarball.Manifest
	if err := readJSON(fsys, "manifest.json", &m); err != nil {
		return nil, err
	}
	var b builder
	for i, d := range m {
		im := pending{config: path.Clean(d.Config), configDigest: digestOf(path.Clean(d.Config)), label: fmt.Sprint(i)}
		if len(d.RepoTags) > 0 {
			im.label = d.RepoTags[0]
		}
		for _, p := range d.Layers {
			p = path.Clean(p)
			im.layers = append(im.layers, layer{path: p, digest: digestOf(p)})
		}
		b.add(fsys, im)
	}
	return b.build(lim)
}

// digestOf returns the digest a docker save tarball's file is named by:
// blobs/sha256/HEX in newer tarballs, HEX.json for a legacy config. A
// legacy layer, ID/layer.tar, is not named by its digest.
func digestOf(p string) v1.Hash {
	s := strings.Replace(strings.TrimPrefix(p, "blobs/"), "/", ":", 1)
	if hex, ok := strings.CutSuffix(p, ".json"); ok && !strings.Contains(hex, "/") {
		s = "sha256:" + hex
	}
	h, err := v1.NewHash(s)
	if err != nil {
		return v1.Hash{}
	}
	return h
}

// pending is an image found in a manifest, not yet read.
type pending struct {
	config       string
	configDigest v1.Hash
	label        string
	layers       []layer
	fsys         fs.FS
}

// builder collects the images of one container.
type builder struct {
	images   []pending
	problems []format.Problem
}

func (b *builder) add(fsys fs.FS, im pending) {
	im.fsys = fsys
	if len(b.images) == maxImages {
		b.problem(fmt.Sprintf("over %d images; the rest are not read", maxImages))
		return
	}
	b.images = append(b.images, im)
}

func (b *builder) problem(msg string) {
	b.problems = append(b.problems, format.Problem{Rule: format.RuleMalformed, Message: msg, Offset: -1})
}

// build reads every image's layers and returns the tree: one image at the
// root, several each under its label.
func (b *builder) build(lim format.Limits) (fs.FS, error) {
	if len(b.images) == 0 {
		return nil, fmt.Errorf("no image in the container")
	}
	var names format.Namer
	var entries []format.Entry
	read := int64(0)
	for _, im := range b.images {
		dir := ""
		if len(b.images) > 1 {
			dir = im.label + "/"
		}
		if len(im.layers) > maxLayers {
			b.problem(fmt.Sprintf("image %s has %d layers, over %d; not read", im.label, len(im.layers), maxLayers))
			continue
		}
		img := newImage()
		img.read = read
		for _, l := range im.layers {
			img.apply(im.fsys, l, lim)
		}
		read = img.read
		for _, p := range img.problems {
			if p.Path != "" {
				p.Path = dir + p.Path
			}
			b.problems = append(b.problems, p)
		}
		keys := make([]string, 0, len(img.files))
		for k := range img.files {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if len(entries) >= lim.MaxEntries {
				b.problems = append(b.problems, format.Problem{Rule: format.RuleTooManyFiles, Offset: -1,
					Message: fmt.Sprintf("over %d files; the rest are not listed", lim.MaxEntries)})
				break
			}
			e := *img.files[k]
			e.Name = names.Clean(dir+k, -1)
			entries = append(entries, e)
		}
		if cfg, err := readBounded(im.fsys, im.config); err == nil {
			if d := im.configDigest; d.Algorithm == "sha256" && fmt.Sprintf("%x", sha256.Sum256(cfg)) != d.Hex {
				b.problems = append(b.problems, format.Problem{Rule: RuleDigestMismatch, Offset: -1,
					Message: fmt.Sprintf("image %s: config %s does not have the digest %s it is named by", im.label, im.config, d)})
			}
			entries = append(entries, format.Entry{
				Name: names.Clean(dir+ConfigName, -1), Size: int64(len(cfg)), Mode: 0o444,
				Open: func() (io.ReadCloser, error) { return format.NopCloser(bytes.NewReader(cfg)), nil },
			})
		} else {
			b.problem(fmt.Sprintf("image %s: config: %v", im.label, err))
		}
	}
	return format.NewTree(entries, append(b.problems, names.Problems()...)), nil
}

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := readBounded(fsys, name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// readBounded reads a small file, refusing one over maxJSON bytes.
func readBounded(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxJSON+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxJSON {
		return nil, fmt.Errorf("%s: %w", name, format.LimitError("bytes", maxJSON))
	}
	return b, nil
}
