package asar

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// node is one entry of the header tree. Which fields are set says what it
// is: Files a directory, Link a link, otherwise a file.
type node struct {
	Files      map[string]*node `json:"files"`
	Offset     *number          `json:"offset"`
	Size       *number          `json:"size"`
	Link       *string          `json:"link"`
	Unpacked   bool             `json:"unpacked"`
	Executable bool             `json:"executable"`
	Integrity  *integrity       `json:"integrity"`
}

type integrity struct {
	Algorithm string `json:"algorithm"`
	Hash      string `json:"hash"`
}

// number is an integer written as a JSON number or string: asar writes
// offsets as strings (they may exceed 2^53) and sizes as numbers, and
// Electron reads either with parseInt.
type number int64

func (n *number) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return err
	}
	*n = number(v)
	return nil
}

var _ json.Unmarshaler = (*number)(nil)
