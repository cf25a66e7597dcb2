package deb

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

const (
	arMagic     = "!<arch>\n"
	arHeaderLen = 60
	// maxMembers bounds an ar archive's member list; dpkg writes three.
	maxMembers = 64
)

// member is one file of an ar archive.
type member struct {
	name   string
	offset int64 // of the data
	size   int64
	header int64 // offset of the header, for evidence
}

// readAr lists the members of the ar archive in r, which is size bytes.
// It stops at maxMembers and reports a member running past the end.
func readAr(r io.ReaderAt, size int64) ([]member, error) {
	magic := make([]byte, len(arMagic))
	if _, err := r.ReadAt(magic, 0); err != nil || string(magic) != arMagic {
		return nil, fmt.Errorf("not an ar archive")
	}
	var list []member
	off := int64(len(arMagic))
	for off < size {
		if len(list) == maxMembers {
			return list, fmt.Errorf("ar archive has over %d members", maxMembers)
		}
		var h [arHeaderLen]byte
		if _, err := r.ReadAt(h[:], off); err != nil {
			return list, fmt.Errorf("ar header at %d: truncated", off)
		}
		if string(h[58:60]) != "`\n" {
			return list, fmt.Errorf("ar header at %d: bad terminator %q", off, h[58:60])
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(h[48:58])), 10, 64)
		if err != nil || n < 0 {
			return list, fmt.Errorf("ar header at %d: bad size %q", off, h[48:58])
		}
		data := off + arHeaderLen
		if n > size-data {
			// Keep the part that is there: a cut payload still shows
			// what it carried up to the cut.
			list = append(list, member{name: arName(h), offset: data, size: size - data, header: off})
			return list, fmt.Errorf("ar member at %d is truncated: %d bytes declared, %d present", off, n, size-data)
		}
		list = append(list, member{name: arName(h), offset: data, size: n, header: off})
		off = data + n + n%2
	}
	return list, nil
}

// arName returns a member's name: GNU ar ends it with "/", dpkg pads it
// with spaces.
func arName(h [arHeaderLen]byte) string {
	return strings.TrimSuffix(strings.TrimRight(string(h[:16]), " "), "/")
}
