package cab

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/cab/lzx"
)

// MemoryBudget is how many decompressed bytes one cabinet keeps in
// memory; folders past it go to unnamed temporary files.
var MemoryBudget int64 = 16 << 20

// folderContinued and above are CFFILE.iFolder values for files split
// across cabinets.
const folderContinued = 0xFFFD

// Open returns the bytes of c.Files[i]. The first Open of a file in a
// folder decompresses the whole folder, once: files are listed by name,
// not in folder order, and a solid folder cannot be entered midway.
func (c *Cabinet) Open(i int) (io.ReadCloser, error) {
	if i < 0 || i >= len(c.Files) {
		return nil, fs.ErrNotExist
	}
	f := &c.Files[i]
	if f.folder >= folderContinued {
		return nil, fmt.Errorf("cab: file %q continues in another cabinet of a multi-cabinet set", f.Name)
	}
	if f.folder >= len(c.folders) {
		return nil, fmt.Errorf("cab: file %q is in folder %d, which is not in this cabinet", f.Name, f.folder)
	}
	if f.Size > c.lim.MaxEntryBytes && c.lim.MaxEntryBytes > 0 {
		return nil, format.LimitError("entry bytes", c.lim.MaxEntryBytes)
	}
	fo := c.folders[f.folder]
	if fo.bad != nil {
		return nil, fo.bad
	}
	if f.start+f.Size > fo.size {
		return nil, fmt.Errorf("cab: file %q (bytes %d to %d) extends past the end of its folder (%d bytes)", f.Name, f.start, f.start+f.Size, fo.size)
	}
	sp, err := c.folderBytes(f.folder)
	if err != nil {
		return nil, err
	}
	var r io.Reader = io.NewSectionReader(sp.data, f.start, min(f.Size, max(sp.n-f.start, 0)))
	if f.start+f.Size > sp.n {
		// The folder failed to decompress before this file's end.
		r = io.MultiReader(r, errReader{sp.err})
	}
	return format.NopCloser(r), nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// A spool holds the decompressed bytes of one folder: n good bytes in
// data, then err if decompression stopped early.
type spool struct {
	data io.ReaderAt
	n    int64
	err  error
}

func (c *Cabinet) folderBytes(i int) (*spool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.spools == nil {
		c.spools = make([]*spool, len(c.folders))
	}
	if c.spools[i] != nil {
		return c.spools[i], nil
	}
	sp, err := c.decompress(c.folders[i], max(MemoryBudget-c.inMem, 0))
	if err != nil {
		return nil, err
	}
	if _, ok := sp.data.(*bytes.Reader); ok {
		c.inMem += sp.n
	}
	c.spools[i] = sp
	return sp, nil
}

// decompress writes folder f's bytes to memory, or to a temporary file
// once past budget bytes.
func (c *Cabinet) decompress(f *folder, budget int64) (*spool, error) {
	var (
		r   io.Reader
		err error
	)
	switch f.method & 0x0F {
	case compNone:
		r = &blockReader{c: c, f: f, stored: true}
	case compMSZIP:
		r = &mszipReader{br: blockReader{c: c, f: f}}
	case compLZX:
		r, err = lzx.NewReader(&blockReader{c: c, f: f}, int(f.method>>8&0x1F), f.size)
		if err != nil {
			return nil, err
		}
	}
	sp, err := Spool(format.LimitReader(r, f.size), f.size, budget)
	if sp == nil {
		return nil, err
	}
	return &spool{data: sp, n: sp.Size(), err: endErr(err, sp.Size(), f.size)}, nil
}

// Spool reads r to its end into memory, or into an unnamed temporary file
// when r is expected to hold size bytes (-1 for unknown) or turns out to
// hold more than budget bytes, and returns what it read. On a read error
// it returns the bytes before the error with the error; src is nil only
// when the temporary file failed. The file is removed as soon as it is
// made, so no name is ever visible, and its space is freed when the last
// reader lets go of it.
func Spool(r io.Reader, size, budget int64) (src format.Source, err error) {
	var buf bytes.Buffer
	var n int64
	if size <= budget {
		if size > 0 {
			buf.Grow(int(size))
		}
		n, err = io.CopyN(&buf, r, budget+1)
		if err == io.EOF || n <= budget {
			if err == io.EOF {
				err = nil
			}
			return bytes.NewReader(buf.Bytes()), err
		}
	}
	tmp, err := os.CreateTemp("", "vigil-*")
	if err != nil {
		return nil, err
	}
	os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return nil, err
	}
	m, err := io.Copy(tmp, &readOnly{r})
	var pe *os.PathError
	if errors.As(err, &pe) {
		tmp.Close()
		return nil, err
	}
	return io.NewSectionReader(tmp, 0, n+m), err
}

// readOnly hides a reader's WriteTo, so that io.Copy's errors come only
// from reading or from the file.
type readOnly struct{ r io.Reader }

func (r *readOnly) Read(p []byte) (int, error) { return r.r.Read(p) }

// endErr is the error for a folder that decompressed to n of size bytes.
func endErr(err error, n, size int64) error {
	if err == nil && n < size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("cab: folder decompression failed at byte %d: %w", n, err)
	}
	return nil
}

// blockReader reads the compressed bytes of a folder's blocks one after
// another. For stored folders it checks that each block's sizes agree.
type blockReader struct {
	c      *Cabinet
	f      *folder
	stored bool
	next   int       // index of the next block
	cur    io.Reader // rest of the current block
}

func (b *blockReader) Read(p []byte) (int, error) {
	for {
		if b.cur != nil {
			n, err := b.cur.Read(p)
			if n > 0 || err != io.EOF {
				return n, err
			}
		}
		if b.next == len(b.f.blocks) {
			return 0, io.EOF
		}
		if _, err := b.nextBlock(); err != nil {
			return 0, err
		}
	}
}

// nextBlock moves to the next block and returns it.
func (b *blockReader) nextBlock() (block, error) {
	blk := b.f.blocks[b.next]
	b.next++
	if b.stored && blk.packed != blk.size {
		return blk, fmt.Errorf("stored block %d holds %d bytes but declares %d", b.next-1, blk.packed, blk.size)
	}
	b.cur = io.NewSectionReader(b.c.src, blk.offset, int64(blk.packed))
	return blk, nil
}

// mszipReader decompresses MSZIP: each block is "CK" and a deflate stream
// that may refer to the previous 32 KiB of output.
type mszipReader struct {
	br   blockReader
	hist []byte // the last 32 KiB of output
	out  []byte // rest of the current block's output
	buf  []byte
	fl   io.ReadCloser
}

func (m *mszipReader) Read(p []byte) (int, error) {
	for len(m.out) == 0 {
		if m.br.next == len(m.br.f.blocks) {
			return 0, io.EOF
		}
		if err := m.block(); err != nil {
			return 0, err
		}
	}
	n := copy(p, m.out)
	m.out = m.out[n:]
	return n, nil
}

func (m *mszipReader) block() error {
	i := m.br.next
	blk, _ := m.br.nextBlock()
	var ck [2]byte
	if _, err := io.ReadFull(m.br.cur, ck[:]); err != nil || string(ck[:]) != "CK" {
		return fmt.Errorf("MSZIP block %d lacks its CK signature", i)
	}
	if m.fl == nil {
		m.fl = flate.NewReaderDict(m.br.cur, m.hist)
	} else if err := m.fl.(flate.Resetter).Reset(m.br.cur, m.hist); err != nil {
		return err
	}
	if cap(m.buf) < maxBlockUncomp {
		m.buf = make([]byte, maxBlockUncomp)
	}
	out := m.buf[:blk.size]
	if _, err := io.ReadFull(m.fl, out); err != nil {
		return fmt.Errorf("MSZIP block %d: %w", i, err)
	}
	m.hist = append(m.hist, out...)
	if len(m.hist) > 32768 {
		m.hist = append(m.hist[:0], m.hist[len(m.hist)-32768:]...)
	}
	m.out = out
	return nil
}
