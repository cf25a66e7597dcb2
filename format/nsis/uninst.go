package nsis

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/vigilsec/vigil/format"
)

// maxStub bounds the PE stub held in memory to patch the uninstaller's
// icon; makensis stubs are under 1 MB.
const maxStub = 16 << 20

// uninstaller returns the file WriteUninstaller writes: the installer's PE
// stub with the uninstaller icon patched in, followed by the uninstaller
// data (its own first header, script and files), which is the data block
// right after the icon block. icon holds the patch: records of size,
// offset and bytes, ended by a zero size.
func (a *archive) uninstaller(icon, data io.Reader, patchLen uint32) (io.ReadCloser, error) {
	var stub io.Reader = io.NewSectionReader(a.src, 0, a.base)
	if a.base <= maxStub && patchLen <= maxStub {
		buf := make([]byte, a.base)
		if err := readFull(a.src, buf, 0); err != nil {
			return nil, err
		}
		patch := make([]byte, patchLen)
		if _, err := io.ReadFull(icon, patch); err != nil {
			return nil, fmt.Errorf("%w: uninstaller icon: %v", errCorrupt, noEOF(err))
		}
		for len(patch) >= 8 && patch[0] != 0 {
			size, off := binary.LittleEndian.Uint32(patch), binary.LittleEndian.Uint32(patch[4:])
			patch = patch[8:]
			if uint64(size) > uint64(len(patch)) || uint64(off)+uint64(size) > uint64(len(buf)) {
				return nil, fmt.Errorf("%w: uninstaller icon patch out of range", errCorrupt)
			}
			copy(buf[off:], patch[:size])
			patch = patch[size:]
		}
		stub = bytes.NewReader(buf)
	}
	return format.NopCloser(format.LimitReader(io.MultiReader(stub, data), a.lim.MaxEntryBytes)), nil
}
