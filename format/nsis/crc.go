package nsis

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/vigilsec/vigil/format"
)

// checkCRC compares the CRC32 makensis stores in the last four bytes of
// the installer data with the bytes it covers: everything from offset 512
// (the PE header is left out, so that signing does not break it) up to the
// CRC. A mismatch means the installer was changed after makensis built it:
// a patched stub or swapped data. The installer itself refuses to run
// then, unless the CRC check was turned off.
func (a *archive) checkCRC() {
	if a.fh.flags&flagNoCRC != 0 || a.end != a.base+int64(a.fh.archLen) {
		return
	}
	var stored [4]byte
	if err := readFull(a.src, stored[:], a.end-4); err != nil {
		return
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(a.src, 512, a.end-4-512)); err != nil {
		return
	}
	want := binary.LittleEndian.Uint32(stored[:])
	if got := h.Sum32(); got != want {
		a.namer.Add(format.Problem{
			Rule:    format.RuleDigestMismatch,
			Message: fmt.Sprintf("installer CRC32 is %08x but the installer stores %08x: its bytes were changed after it was built", got, want),
			Offset:  a.end - 4,
		})
	}
}
