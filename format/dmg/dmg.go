// Package dmg opens Apple disk images (.dmg, UDIF) as an fs.FS through the
// 7-Zip command-line program 7zz, when it is installed.
//
// UDIF holds a partition map of compressed chunks (zlib, bzip2, LZFSE,
// LZMA) around an HFS+ or APFS file system; 7-Zip reads all of these and
// no pure-Go library does, so vigil asks 7zz to list the image
// ("7zz l -slt") and to write the files to its standard output
// ("7zz e -so"), all in one run when their listed sizes account for the
// whole output, one run per file otherwise. 7zz never writes to disk on vigil's behalf: the image is
// copied to an anonymous temporary file (unlinked at once) and handed to
// 7zz as /dev/fd/3. Each run is bounded by Limits.FileTimeout.
//
// Without 7zz, Open returns ErrNo7zz, which the walker reports as a
// finding on the .dmg.
package dmg

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/vigilsec/vigil/format"
	"github.com/vigilsec/vigil/format/compress"
)

// Format recognises a .dmg by name: its magic number, the koly trailer,
// is in the last 512 bytes, which Match does not see. Open checks it.
var Format = format.Format{
	Name:  "dmg",
	Match: func(name string, head []byte) bool { return format.HasExt(name, ".dmg") },
	Open: func(name string, src format.Source, lim format.Limits) (fs.FS, error) {
		t, err := Open(src, lim)
		if err != nil {
			return nil, err
		}
		return t, nil
	},
}

// ErrNo7zz is returned by Open when 7zz is not on PATH.
var ErrNo7zz = errors.New("DMG not opened: 7zz not installed")

// Program is the 7-Zip command run; tests may point it elsewhere.
var Program = "7zz"

// maxListing bounds 7zz's listing output.
const maxListing = 64 << 20

// defaultTimeout bounds each 7zz run when Limits.FileTimeout is zero.
const defaultTimeout = 30 * time.Second

// IsUDIF reports whether src ends with a UDIF koly trailer.
func IsUDIF(src format.Source) bool {
	if src.Size() < 512 {
		return false
	}
	var koly [4]byte
	_, err := src.ReadAt(koly[:], src.Size()-512)
	return err == nil && string(koly[:]) == "koly"
}

// Open lists the disk image in src with 7zz.
func Open(src format.Source, lim format.Limits) (*format.Tree, error) {
	if !IsUDIF(src) {
		return nil, format.ErrNotFormat
	}
	bin, err := exec.LookPath(Program)
	if err != nil {
		return nil, ErrNo7zz
	}
	if src.Size() > lim.MaxTotalBytes {
		return nil, format.LimitError("disk image bytes", lim.MaxTotalBytes)
	}
	img, err := copyToTemp(src)
	if err != nil {
		return nil, err
	}
	x := &sevenZip{bin: bin, img: img, timeout: lim.FileTimeout}
	if x.timeout <= 0 {
		x.timeout = defaultTimeout
	}
	out, err := x.output("l", "-slt")
	if err != nil {
		return nil, err
	}
	items, err := parseListing(out)
	if err != nil {
		return nil, err
	}
	x.spool, x.offsets = x.extractAll(items, format.Budget(lim, src.Size()))
	return x.tree(items, lim), nil
}

// extractAll runs one "7zz e -so" for the whole image, rather than one
// run per file, each of which would parse the image again. 7zz writes the
// files back to back in listing order, so the listed sizes split the
// stream. It returns each item's offset in the spool, or a nil spool when
// the files would unpack to over budget bytes or the stream does not add
// up (7zz writing out a symlink's target, say); files are then read one
// 7zz run each.
func (x *sevenZip) extractAll(items []item, budget int64) (*compress.Spool, []int64) {
	offsets := make([]int64, len(items))
	total := int64(0)
	for i, it := range items {
		offsets[i] = total
		if !it.dir && it.link == "" {
			total += it.size
		}
	}
	if total > budget {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), x.timeout)
	defer cancel()
	cmd := x.command(ctx, "e", "-so")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil
	}
	if err := cmd.Start(); err != nil {
		return nil, nil
	}
	spool := compress.NewSpool(compress.MemoryBudget)
	n, err := io.Copy(spool, io.LimitReader(stdout, total+1))
	if err != nil || n != total {
		cmd.Process.Kill()
	}
	if werr := cmd.Wait(); err != nil || werr != nil || n != total {
		spool.Close()
		return nil, nil
	}
	return spool, offsets
}

// copyToTemp copies src to an anonymous temporary file, since 7zz needs a
// file and src may be memory.
func copyToTemp(src format.Source) (*os.File, error) {
	f, err := os.CreateTemp("", "vigil-dmg-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	if _, err := io.Copy(f, io.NewSectionReader(src, 0, src.Size())); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// sevenZip runs 7zz on one image.
type sevenZip struct {
	bin     string
	img     *os.File
	timeout time.Duration
	// spool holds every file, extracted in one run, at offsets (indexed
	// like the listing's items); nil when files are read one run each.
	spool   *compress.Spool
	offsets []int64
}

// command returns 7zz with args on the image, which it sees as
// /dev/fd/3. -p with a dummy password stops 7zz from asking for one on an
// encrypted image; -spd makes names literal rather than wildcards.
func (x *sevenZip) command(ctx context.Context, args ...string) *exec.Cmd {
	args = append(args, "-bd", "-y", "-pvigil", "-sccUTF-8", "-spd", "--", "/dev/fd/3")
	cmd := exec.CommandContext(ctx, x.bin, args...)
	cmd.ExtraFiles = []*os.File{x.img}
	cmd.Env = []string{"LC_ALL=C.UTF-8"}
	return cmd
}

// output runs 7zz and returns its bounded standard output.
func (x *sevenZip) output(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), x.timeout)
	defer cancel()
	cmd := x.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	out, readErr := io.ReadAll(format.LimitReader(stdout, maxListing))
	if readErr != nil {
		cmd.Process.Kill()
	}
	err = cmd.Wait()
	switch {
	case readErr != nil:
		return nil, fmt.Errorf("7zz listing: %w", readErr)
	case ctx.Err() != nil:
		return nil, fmt.Errorf("7zz timed out after %v", x.timeout)
	case err != nil:
		return nil, fmt.Errorf("7zz: %v: %s", err, firstLine(stderr.String()+string(out), "ERROR"))
	}
	return out, nil
}

// firstLine returns the first line of s containing key, or s's last line.
func firstLine(s, key string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for _, l := range lines {
		if strings.Contains(l, key) {
			return strings.TrimSpace(l)
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

// item is one file in 7zz's technical listing.
type item struct {
	path    string
	size    int64
	dir     bool
	link    string
	modTime time.Time
}

// parseListing reads "7zz l -slt" output: after the line of ten dashes,
// blocks of "Key = value" lines separated by blank lines, one per item.
func parseListing(out []byte) ([]item, error) {
	i := bytes.Index(out, []byte("\n----------\n"))
	if i < 0 {
		return nil, fmt.Errorf("7zz listing has no items")
	}
	var items []item
	var cur *item
	sc := bufio.NewScanner(bytes.NewReader(out[i+12:]))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " = ")
		if !ok {
			k, v = strings.TrimSuffix(sc.Text(), " ="), ""
		}
		switch k {
		case "Path":
			items = append(items, item{path: v})
			cur = &items[len(items)-1]
		case "Size":
			if cur != nil {
				cur.size, _ = strconv.ParseInt(v, 10, 64)
			}
		case "Folder":
			if cur != nil {
				cur.dir = v == "+"
			}
		case "Symbolic Link":
			if cur != nil {
				cur.link = v
			}
		case "Modified":
			if cur != nil {
				cur.modTime, _ = time.Parse("2006-01-02 15:04:05", v)
			}
		}
	}
	return items, sc.Err()
}

// tree builds the fs.FS from the listing.
func (x *sevenZip) tree(items []item, lim format.Limits) *format.Tree {
	var names format.Namer
	var entries []format.Entry
	for i, it := range items {
		if it.dir {
			continue
		}
		if len(entries) >= lim.MaxEntries {
			names.Add(format.Problem{Rule: format.RuleTooManyFiles, Offset: -1,
				Message: fmt.Sprintf("over %d files; the rest are not listed", lim.MaxEntries)})
			break
		}
		name := names.Clean(it.path, -1)
		e := format.Entry{Name: name, Size: it.size, Mode: 0o644, ModTime: it.modTime}
		switch {
		case it.link != "":
			// Shown as the link's target, like the tar package does.
			target := it.link
			e.Size = int64(len(target))
			e.Open = func() (io.ReadCloser, error) { return format.NopCloser(strings.NewReader(target)), nil }
		case strings.HasPrefix(it.path, "@"):
			// 7zz would read a name starting with @ as a list file.
			names.Add(format.Problem{Path: name, Rule: format.RuleUnsupported, Offset: -1,
				Message: fmt.Sprintf("file %q cannot be read through 7zz", it.path)})
			continue
		case it.size > lim.MaxEntryBytes:
			names.Add(format.Problem{Path: name, Rule: format.RuleEntryTooLarge, Offset: -1,
				Message: fmt.Sprintf("file %q is %d bytes, over the %d-byte limit; not listed", it.path, it.size, lim.MaxEntryBytes)})
			continue
		case x.spool != nil:
			section := io.NewSectionReader(x.spool, x.offsets[i], it.size)
			e.Open = func() (io.ReadCloser, error) {
				return format.NopCloser(io.NewSectionReader(section, 0, section.Size())), nil
			}
		default:
			e.Open = x.opener(it.path, lim.MaxEntryBytes)
		}
		entries = append(entries, e)
	}
	return format.NewTree(entries, names.Problems())
}

// opener returns an Open func that streams one file out of 7zz.
func (x *sevenZip) opener(path string, max int64) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		ctx, cancel := context.WithTimeout(context.Background(), x.timeout)
		cmd := x.command(ctx, "e", "-so")
		// The name goes after the archive, where 7zz expects it.
		cmd.Args = append(cmd.Args, path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			cancel()
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			cancel()
			return nil, err
		}
		return &stream{r: format.LimitReader(stdout, max), cmd: cmd, cancel: cancel}, nil
	}
}

// stream is one running "7zz e -so"; Close stops it.
type stream struct {
	r      io.Reader
	cmd    *exec.Cmd
	cancel context.CancelFunc
	done   bool  // 7zz has been waited for
	err    error // what Read returns once done
}

// Read reads the file; at its end it waits for 7zz, so that a failure
// (a CRC error, a timeout) is an error rather than a short file.
func (s *stream) Read(p []byte) (int, error) {
	if s.done {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	if err == io.EOF {
		s.done, s.err = true, io.EOF
		if werr := s.cmd.Wait(); werr != nil {
			s.err = fmt.Errorf("7zz: %v", werr)
		}
		return n, s.err
	}
	return n, err
}

func (s *stream) Close() error {
	s.cancel()
	if !s.done {
		s.done = true
		s.cmd.Wait()
	}
	return nil
}
