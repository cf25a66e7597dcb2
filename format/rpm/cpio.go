package rpm

import (
	"fmt"
	"io"
	"strconv"
)

// cpioHeader is one record of a cpio archive in the "new ASCII" (newc,
// 070701) or "new CRC" (070702) format, the only ones rpm writes besides
// its stripped 07070X form for packages with files over 4 GiB.
type cpioHeader struct {
	Name  string
	Mode  uint32
	Size  int64
	Mtime int64
	Nlink uint32
	// Offset is where the record starts in the uncompressed stream.
	Offset int64
}

const (
	cpioHeaderLen = 110
	cpioMaxName   = 4096
	cpioTrailer   = "TRAILER!!!"
)

// cpioReader reads a newc cpio stream record by record.
type cpioReader struct {
	r    io.Reader
	pos  int64 // bytes consumed from r
	left int64 // data bytes of the current record not yet read
	pad  int64 // padding after the current record's data
}

func newCPIOReader(r io.Reader) *cpioReader { return &cpioReader{r: r} }

// Next skips the rest of the current record and returns the next header.
// It returns io.EOF at the trailer record.
func (c *cpioReader) Next() (*cpioHeader, error) {
	if err := c.skip(c.left + c.pad); err != nil {
		return nil, err
	}
	c.left, c.pad = 0, 0
	start := c.pos
	var raw [cpioHeaderLen]byte
	if err := c.read(raw[:]); err != nil {
		return nil, err
	}
	magic := string(raw[:6])
	if magic == "07070X" {
		return nil, fmt.Errorf("cpio at %d: rpm's stripped cpio format (files over 4 GiB) is not supported", start)
	}
	if magic != "070701" && magic != "070702" {
		return nil, fmt.Errorf("cpio at %d: bad magic %q", start, magic)
	}
	field := func(i int) (uint64, error) {
		v, err := strconv.ParseUint(string(raw[6+8*i:14+8*i]), 16, 32)
		if err != nil {
			return 0, fmt.Errorf("cpio at %d: bad header field %d: %q", start, i, raw[6+8*i:14+8*i])
		}
		return v, nil
	}
	var f [13]uint64
	for i := range f {
		v, err := field(i)
		if err != nil {
			return nil, err
		}
		f[i] = v
	}
	namesize := int64(f[11])
	if namesize < 1 || namesize > cpioMaxName {
		return nil, fmt.Errorf("cpio at %d: name size %d out of bounds", start, namesize)
	}
	name := make([]byte, namesize)
	if err := c.read(name); err != nil {
		return nil, err
	}
	if err := c.skip(pad4(cpioHeaderLen + namesize)); err != nil {
		return nil, err
	}
	h := &cpioHeader{
		Name:   string(name[:namesize-1]),
		Mode:   uint32(f[1]),
		Nlink:  uint32(f[4]),
		Mtime:  int64(f[5]),
		Size:   int64(f[6]),
		Offset: start,
	}
	if h.Name == cpioTrailer {
		return nil, io.EOF
	}
	c.left, c.pad = h.Size, pad4(h.Size)
	return h, nil
}

// Read reads the current record's data.
func (c *cpioReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.pos += int64(n)
	c.left -= int64(n)
	if err == io.EOF && c.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (c *cpioReader) read(p []byte) error {
	n, err := io.ReadFull(c.r, p)
	c.pos += int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("cpio truncated at %d: %w", c.pos, err)
	}
	return nil
}

func (c *cpioReader) skip(n int64) error {
	m, err := io.CopyN(io.Discard, c.r, n)
	c.pos += m
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("cpio truncated at %d: %w", c.pos, err)
	}
	return nil
}

func pad4(n int64) int64 { return (4 - n%4) % 4 }
