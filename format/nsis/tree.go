package nsis

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/vigilsec/vigil/format"
)

// tree lists the installer's files. Names are install paths with the
// variables kept ($INSTDIR/..., $PLUGINSDIR/...).
func (a *archive) tree(h *header) *format.Tree {
	items := h.items()
	var entries []format.Entry
	seen := map[item]bool{}
	copies := map[string]int{}
	a.follow = map[uint32]bool{}
	for _, it := range items {
		// Every plug-in call extracts its DLL again from the same data:
		// one entry is enough.
		key := item{name: it.name, pos: it.pos, uninst: it.uninst}
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(entries) >= a.lim.MaxEntries {
			a.namer.Add(format.Problem{
				Rule:    format.RuleTooManyFiles,
				Message: fmt.Sprintf("installer lists more than %d files; the rest are not shown", a.lim.MaxEntries),
				Offset:  -1,
			})
			break
		}
		declared := strings.ReplaceAll(it.name, `\`, "/")
		if strings.Trim(declared, "/") == "" {
			declared = fmt.Sprintf("[data]/%d.bin", it.pos)
		}
		// Scripts often write one path from several sections (an x86 and
		// an x64 build of a DLL, say). That is normal for an installer, so
		// later copies are numbered here rather than reported by Namer.
		if n := copies[declared]; n > 0 {
			copies[declared] = n + 1
			declared = fmt.Sprintf("%s~%d", declared, n+1)
		} else {
			copies[declared] = 1
		}
		a.positions = append(a.positions, it.pos)
		if it.uninst {
			a.follow[it.pos] = true
		}
		entries = append(entries, format.Entry{
			Name:    a.namer.Clean(declared, a.offset(it.pos)),
			Size:    -1,
			Mode:    0o644,
			ModTime: it.mtime,
			Open:    func() (io.ReadCloser, error) { return a.open(it) },
		})
	}
	if len(entries) < a.lim.MaxEntries || a.lim.MaxEntries == 0 {
		text := h.render(a.comp, a.fh.flags&flagUninstall != 0, items)
		entries = append(entries, format.Entry{
			Name: a.namer.Clean(scriptName, -1),
			Size: int64(len(text)),
			Mode: 0o444,
			Open: func() (io.ReadCloser, error) { return format.NopCloser(bytes.NewReader(text)), nil },
		})
	}
	return format.NewTree(entries, a.namer.Problems())
}

// offset is where the block at pos starts in the container, or -1 inside a
// solid stream.
func (a *archive) offset(pos uint32) int64 {
	if a.comp.solid {
		return -1
	}
	return a.data + int64(pos)
}

// open returns an item's bytes, bounded by MaxEntryBytes. The first open
// of a solid installer's file reads all of them.
func (a *archive) open(it item) (io.ReadCloser, error) {
	if a.comp.solid {
		a.solidOnce.Do(func() { a.solid = a.readSolid(a.positions, a.follow, memBudget) })
	}
	r, next, err := a.openBlock(it.pos)
	if err != nil {
		return nil, err
	}
	if it.uninst {
		data, _, err := a.openBlock(next)
		if err != nil {
			return nil, err
		}
		return a.uninstaller(r, data, it.patch)
	}
	return format.NopCloser(format.LimitReader(r, a.lim.MaxEntryBytes)), nil
}

// openBlock returns the decompressed block at pos in the data block and
// the position of the block after it.
func (a *archive) openBlock(pos uint32) (io.Reader, uint32, error) {
	if a.comp.solid {
		return a.solid.open(pos)
	}
	r, size, err := a.block(a.data + int64(pos))
	return r, pos + 4 + uint32(size), err
}
