package squirrel

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Release is one line of a Squirrel RELEASES file: a package the update
// feed offers.
type Release struct {
	SHA1     string // upper- or lower-case hex, as written
	Filename string // a file name, or a URL
	Size     int64
	// Delta is true for a -delta.nupkg, which patches the previous release.
	Delta bool
	Line  int // 1-based line number, for evidence
}

// maxReleases bounds the lines read; real feeds hold tens to hundreds.
const maxReleases = 100_000

// ParseReleases parses a RELEASES file: one "SHA1 filename size" line per
// package, fields separated by white space, as Squirrel's ReleaseEntry
// reads it. Blank lines are skipped and a byte order mark is allowed;
// anything after the size (Squirrel's "# 10%" staged-rollout suffix) is
// ignored. A line that does not parse is an error naming its number,
// since a feed Squirrel would reject is itself worth reporting.
func ParseReleases(b []byte) ([]Release, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var out []Release
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(out) == maxReleases {
			return out, fmt.Errorf("RELEASES: over %d entries", maxReleases)
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return out, fmt.Errorf("RELEASES line %d: want \"SHA1 filename size\", got %q", i+1, line)
		}
		if len(f[0]) != 40 || strings.Trim(strings.ToLower(f[0]), "0123456789abcdef") != "" {
			return out, fmt.Errorf("RELEASES line %d: bad SHA1 %q", i+1, f[0])
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 {
			return out, fmt.Errorf("RELEASES line %d: bad size %q", i+1, f[2])
		}
		if len(f) > 3 && !strings.HasPrefix(f[3], "#") {
			return out, fmt.Errorf("RELEASES line %d: unexpected %q after the size", i+1, f[3])
		}
		name := f[1]
		out = append(out, Release{
			SHA1:     f[0],
			Filename: name,
			Size:     size,
			Delta:    strings.HasSuffix(strings.ToLower(strings.SplitN(name, "?", 2)[0]), "-delta.nupkg"),
			Line:     i + 1,
		})
	}
	return out, nil
}
