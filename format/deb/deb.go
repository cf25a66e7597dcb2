// Package deb opens Debian binary packages as an fs.FS.
//
// A .deb is an ar archive of "debian-binary", "control.tar[.gz|.xz|.zst]"
// and "data.tar[.gz|.xz|.zst|.bz2]". The tree shows the control archive's
// files under "control/" (control, md5sums, conffiles and the maintainer
// scripts preinst, postinst, prerm, postrm, config and triggers, which dpkg
// runs as root), the payload under "data/" at its installed paths, and any
// other ar member (debian-binary, a signature, or something injected) at
// the top under its own name.
//
// The payload is checked against control/md5sums: a file whose MD5 differs
// from the one listed is a Problem.
package deb

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/tar"
)

// Format recognises a .deb by an ar archive whose first member is
// debian-binary, as dpkg requires.
var Format = format.Format{
	Name:  "deb",
	Match: func(name string, head []byte) bool { return bytes.HasPrefix(head, []byte(arMagic+"debian-binary")) },
	Open: func(name string, src format.Source, lim format.Limits) (fs.FS, error) {
		t, err := Open(src, lim)
		if err != nil {
			return nil, err
		}
		return t, nil
	},
}

// RuleDigestMismatch is reported for a payload file whose MD5 differs from
// control/md5sums; the same ID as package rpm's.
const RuleDigestMismatch = format.RuleDigestMismatch

// Open reads a .deb package.
func Open(src format.Source, lim format.Limits) (*format.Tree, error) {
	members, err := readAr(src, src.Size())
	if len(members) == 0 || members[0].name != "debian-binary" {
		return nil, format.ErrNotFormat
	}
	var d builder
	if err != nil {
		d.names.Add(format.Problem{Rule: format.RuleMalformed, Message: err.Error(), Offset: -1})
	}
	for _, m := range members {
		section := io.NewSectionReader(src, m.offset, m.size)
		switch {
		case strings.HasPrefix(m.name, "control.tar"):
			d.mount("control", m, section, lim)
		case strings.HasPrefix(m.name, "data.tar"):
			d.mount("data", m, section, lim)
		default:
			d.add(d.names.Clean(m.name, m.header), m.size, 0o644, func() (io.ReadCloser, error) {
				return format.NopCloser(io.NewSectionReader(section, 0, m.size)), nil
			})
		}
	}
	d.checkSums()
	return format.NewTree(d.entries, d.names.Problems()), nil
}

// builder collects the entries of the package tree.
type builder struct {
	names   format.Namer
	entries []format.Entry
	data    *format.Tree // the payload, for checkSums
	control *format.Tree
}

func (d *builder) add(name string, size int64, mode fs.FileMode, open func() (io.ReadCloser, error)) {
	d.entries = append(d.entries, format.Entry{Name: name, Size: size, Mode: mode, Open: open})
}

// mount lists the tar in member m under dir. Its entries keep their own
// Open, and its problems are reported under dir.
func (d *builder) mount(dir string, m member, r io.Reader, lim format.Limits) {
	if (dir == "control" && d.control != nil) || (dir == "data" && d.data != nil) {
		d.names.Add(format.Problem{Path: m.name, Rule: format.RuleMalformed, Offset: m.header,
			Message: fmt.Sprintf("second %s archive %q; dpkg reads only the first", dir, m.name)})
		dir = m.name
	}
	t, err := tar.OpenStream(r, lim)
	if err != nil {
		d.names.Add(format.Problem{Path: m.name, Rule: format.RuleMalformed, Offset: m.header,
			Message: fmt.Sprintf("%s: %v", m.name, err)})
		return
	}
	switch dir {
	case "control":
		d.control = t
	case "data":
		d.data = t
	}
	for _, p := range t.Problems() {
		p.Path = path.Join(dir, p.Path)
		d.names.Add(p)
	}
	fs.WalkDir(t, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return nil
		}
		d.entries = append(d.entries, format.Entry{
			Name:    d.names.Clean(dir+"/"+p, -1),
			Size:    info.Size(),
			Mode:    info.Mode(),
			ModTime: info.ModTime(),
			Open:    func() (io.ReadCloser, error) { return t.Open(p) },
		})
		return nil
	})
}

// checkSums compares the payload with control/md5sums, which dpkg writes
// for every regular file it installs.
func (d *builder) checkSums() {
	if d.control == nil || d.data == nil {
		return
	}
	list, err := fs.ReadFile(d.control, "md5sums")
	if err != nil {
		return
	}
	want := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(list))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if ok && len(sum) == 32 {
			want[strings.TrimPrefix(path.Clean("/"+name), "/")] = strings.ToLower(sum)
		}
	}
	fs.WalkDir(d.data, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		// Conffiles and links are not in md5sums, so an unlisted file
		// says nothing.
		sum, listed := want[p]
		if !listed {
			return nil
		}
		f, err := d.data.Open(p)
		if err != nil {
			return nil
		}
		defer f.Close()
		h := md5.New()
		if _, err := io.Copy(h, f); err != nil {
			return nil
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != sum {
			d.names.Add(format.Problem{Path: "data/" + p, Rule: RuleDigestMismatch, Offset: -1,
				Message: fmt.Sprintf("payload file %q has MD5 %s; control/md5sums says %s", p, got, sum)})
		}
		return nil
	})
}
