package cab

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/vigilsec/vigil/format"
)

// Compression methods, the low nibble of CFFOLDER.typeCompress.
const (
	compNone    = 0
	compMSZIP   = 1
	compQuantum = 2
	compLZX     = 3
)

// Header flags.
const (
	flagPrevCabinet    = 0x0001
	flagNextCabinet    = 0x0002
	flagReservePresent = 0x0004
)

const (
	headerSize = 36
	folderSize = 8
	fileSize   = 16
	dataSize   = 8
	// maxBlockUncomp is the most a CFDATA block may expand to.
	maxBlockUncomp = 32768
	// maxBlockData allows LZX's worst case expansion of a 32 KiB block.
	maxBlockData = maxBlockUncomp + 6144
	attrNameUTF  = 0x80
)

// A File is one file a cabinet declares.
type File struct {
	Name         string // as declared, with backslashes
	Size         int64
	ModTime      time.Time
	Attrs        uint16
	HeaderOffset int64 // offset of the CFFILE entry in the cabinet
	folder       int
	start        int64 // offset in the folder's uncompressed bytes
}

// Cabinet is a parsed cabinet file.
type Cabinet struct {
	Files    []File
	src      format.Source
	lim      format.Limits
	folders  []*folder
	problems []format.Problem

	// Bytes of data blocks and of output that all folders have claimed:
	// honest folders do not overlap, so together they fit the file, and
	// this stops a few thousand folders from sharing one huge block run.
	blockBytes, outBytes int64
	stop                 error // set once a bound above is hit; later folders share it

	mu     sync.Mutex
	spools []*spool // decompressed folders, by index
	inMem  int64    // bytes of spools held in memory
}

type folder struct {
	offset int64 // of the CFFOLDER entry
	method uint16
	blocks []block
	size   int64 // uncompressed bytes, the sum of the blocks'
	bad    error // non-nil when the folder cannot be decompressed
}

// A block is one CFDATA: where its compressed bytes are and what they
// expand to.
type block struct {
	offset int64 // of the compressed bytes
	packed int
	size   int
}

// Problems returns what was wrong with the cabinet, in the order found.
func (c *Cabinet) Problems() []format.Problem { return c.problems }

func (c *Cabinet) problem(rule string, offset int64, format_ string, args ...any) {
	c.problems = append(c.problems, format.Problem{
		Rule:    rule,
		Message: fmt.Sprintf(format_, args...),
		Offset:  offset,
	})
}

func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

// errNotCab is returned by Parse for bytes without a cabinet header.
var errNotCab = fmt.Errorf("cab: %w", format.ErrNotFormat)

// Parse reads the cabinet's header, folder and file tables and the headers
// of every data block, verifying block checksums. Damage found on the way
// becomes a Problem; Parse fails only when nothing can be listed.
func Parse(src format.Source, lim format.Limits) (*Cabinet, error) {
	h := make([]byte, headerSize)
	if _, err := src.ReadAt(h, 0); err != nil || string(h[:4]) != "MSCF" {
		return nil, errNotCab
	}
	c := &Cabinet{src: src, lim: lim}
	nFolders, nFiles, flags := int(le16(h[26:])), int(le16(h[28:])), le16(h[30:])
	filesAt := int64(le32(h[16:]))
	if nFiles > lim.MaxEntries && lim.MaxEntries > 0 {
		c.problem(format.RuleTooManyFiles, 0, "cabinet declares %d files; listing the first %d", nFiles, lim.MaxEntries)
		nFiles = lim.MaxEntries
	}
	pos := int64(headerSize)
	var folderReserve, dataReserve int64
	if flags&flagReservePresent != 0 {
		r := make([]byte, 4)
		if _, err := src.ReadAt(r, pos); err != nil {
			return nil, fmt.Errorf("cab: truncated header: %w", err)
		}
		pos += 4 + int64(le16(r))
		folderReserve, dataReserve = int64(r[2]), int64(r[3])
	}
	if flags&(flagPrevCabinet|flagNextCabinet) != 0 {
		c.problem(format.RuleUnsupported, 0, "cabinet is part of a multi-cabinet set (flags %#x); files continued in other cabinets are not readable", flags)
		// Skip the names of the previous and next cabinet and disk.
		for _, f := range []uint16{flagPrevCabinet, flagNextCabinet} {
			for i := 0; i < 2 && flags&f != 0; i++ {
				s, err := readString(src, pos, nil)
				if err != nil {
					return nil, fmt.Errorf("cab: truncated header: %w", err)
				}
				pos += int64(len(s)) + 1
			}
		}
	}

	buf := make([]byte, folderSize)
	for i := 0; i < nFolders; i++ {
		off := pos + int64(i)*(folderSize+folderReserve)
		if _, err := src.ReadAt(buf, off); err != nil {
			c.problem(format.RuleMalformed, off, "cabinet truncated in folder table (folder %d of %d)", i, nFolders)
			break
		}
		f := &folder{offset: off, method: le16(buf[6:])}
		c.readBlocks(f, int64(le32(buf)), int(le16(buf[4:])), dataReserve)
		c.folders = append(c.folders, f)
	}

	pos = filesAt
	name := make([]byte, 0, 256)
	for i := 0; i < nFiles; i++ {
		hdr := make([]byte, fileSize)
		if _, err := src.ReadAt(hdr, pos); err != nil {
			c.problem(format.RuleMalformed, pos, "cabinet truncated in file table (file %d of %d)", i, nFiles)
			break
		}
		raw, err := readString(src, pos+fileSize, name[:0])
		if err != nil {
			c.problem(format.RuleMalformed, pos, "cabinet truncated in name of file %d", i)
			break
		}
		f := File{
			Name:         decodeName(raw, le16(hdr[14:])),
			Size:         int64(le32(hdr)),
			ModTime:      dosTime(le16(hdr[10:]), le16(hdr[12:])),
			Attrs:        le16(hdr[14:]),
			HeaderOffset: pos,
			folder:       int(le16(hdr[8:])),
			start:        int64(le32(hdr[4:])),
		}
		c.Files = append(c.Files, f)
		pos += fileSize + int64(len(raw)) + 1
	}
	if len(c.Files) == 0 && len(c.folders) == 0 && len(c.problems) > 0 {
		return nil, fmt.Errorf("cab: %s", c.problems[0].Message)
	}
	return c, nil
}

// readBlocks reads the CFDATA headers of folder f and checks their
// checksums.
func (c *Cabinet) readBlocks(f *folder, pos int64, n int, reserve int64) {
	switch f.method & 0x0F {
	case compNone, compMSZIP:
	case compLZX:
		if bits := f.method >> 8 & 0x1F; bits < 15 || bits > 21 {
			f.bad = fmt.Errorf("cab: LZX window 2^%d out of range", bits)
		}
	case compQuantum:
		f.bad = errors.New("cab: unsupported compression Quantum")
	default:
		f.bad = fmt.Errorf("cab: unsupported compression method %d", f.method&0x0F)
	}
	if f.bad != nil {
		c.problem(format.RuleUnsupported, f.offset, "%v", f.bad)
		return
	}
	if c.stop != nil {
		f.bad = c.stop // reported once, for the first folder
		return
	}
	hdr := make([]byte, dataSize)
	var data []byte
	for i := 0; i < n; i++ {
		if _, err := c.src.ReadAt(hdr, pos); err != nil {
			f.bad = fmt.Errorf("cab: data block %d of %d missing: cabinet truncated", i, n)
			c.problem(format.RuleMalformed, pos, "%v", f.bad)
			return
		}
		b := block{offset: pos + dataSize + reserve, packed: int(le16(hdr[4:])), size: int(le16(hdr[6:]))}
		if b.packed > maxBlockData || b.size > maxBlockUncomp || b.size == 0 {
			f.bad = fmt.Errorf("cab: data block %d has bad sizes (%d packed, %d unpacked)", i, b.packed, b.size)
			c.problem(format.RuleMalformed, pos, "%v", f.bad)
			return
		}
		if cap(data) < b.packed {
			data = make([]byte, maxBlockData)
		}
		data = data[:b.packed]
		if _, err := c.src.ReadAt(data, b.offset); err != nil {
			f.bad = fmt.Errorf("cab: data block %d truncated", i)
			c.problem(format.RuleMalformed, pos, "%v", f.bad)
			return
		}
		if sum := le32(hdr); sum != 0 {
			if got := checksum(hdr[4:8], checksum(data, 0)); got != sum {
				c.problem(format.RuleMalformed, pos, "data block %d checksum %#08x, stored %#08x", i, got, sum)
			}
		}
		f.blocks = append(f.blocks, b)
		f.size += int64(b.size)
		c.outBytes += int64(b.size)
		c.blockBytes += dataSize + reserve + int64(b.packed)
		if c.outBytes > c.lim.MaxTotalBytes && c.lim.MaxTotalBytes > 0 {
			f.bad = format.LimitError("folder bytes", c.lim.MaxTotalBytes)
			c.problem(format.RuleEntryTooLarge, f.offset, "%v", f.bad)
			c.stop = f.bad
			return
		}
		// The ratio is checked here, not left to the walker, because a
		// folder is decompressed whole when its first file is opened.
		if r := c.lim.MaxRatio; r > 0 && c.outBytes > r*max(c.src.Size(), 1<<10) {
			f.bad = format.LimitError("unpacked bytes per packed byte", r)
			c.problem(format.RuleEntryTooLarge, f.offset, "folders expand to over %d bytes from a %d-byte cabinet: %v", c.outBytes, c.src.Size(), f.bad)
			c.stop = f.bad
			return
		}
		if c.blockBytes > c.src.Size() {
			f.bad = fmt.Errorf("cab: data blocks of folders overlap (over %d bytes of blocks in a %d-byte cabinet)", c.blockBytes, c.src.Size())
			c.problem(format.RuleMalformed, pos, "%v", f.bad)
			c.stop = f.bad
			return
		}
		pos = b.offset + int64(b.packed)
	}
}

// checksum is the CFDATA checksum: the XOR of the data as little-endian
// 32-bit words, with a short tail taken big-end first.
func checksum(data []byte, sum uint32) uint32 {
	n := len(data) &^ 3
	for i := 0; i < n; i += 4 {
		sum ^= le32(data[i:])
	}
	var ul uint32
	for _, b := range data[n:] {
		ul = ul<<8 | uint32(b)
	}
	return sum ^ ul
}

// readString reads a NUL-terminated string of at most 256 bytes at off.
func readString(src io.ReaderAt, off int64, dst []byte) ([]byte, error) {
	var b [257]byte
	n, _ := src.ReadAt(b[:], off)
	for i := 0; i < n; i++ {
		if b[i] == 0 {
			return append(dst, b[:i]...), nil
		}
	}
	return nil, io.ErrUnexpectedEOF
}

// decodeName returns a file name as UTF-8. Without the UTF flag names are
// in the creator's code page; Latin-1 is the guess that never fails.
func decodeName(b []byte, attrs uint16) string {
	if attrs&attrNameUTF != 0 && utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// dosTime converts an MS-DOS date and time; invalid ones become the zero
// time.
func dosTime(d, t uint16) time.Time {
	year, month, day := int(d>>9)+1980, int(d>>5&0x0F), int(d&0x1F)
	hour, min, sec := int(t>>11), int(t>>5&0x3F), int(t&0x1F)*2
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}
	}
	return time.Date(year, time.Month(month), day, hour, min, sec, 0, time.UTC)
}
