package msi

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Column type bits, from the Windows Installer SDK (msidefs.h).
const (
	typeValid     = 0x0100
	typeString    = 0x0800
	typeNullable  = 0x1000
	typeTemporary = 0x4000
)

// stringPool is the database's string table: string id i is strs[i], id 0
// is the null string.
type stringPool struct {
	strs    []string
	refSize int // bytes per string reference in tables: 2 or 3
}

// maxStrings bounds the string pool; real installers have a few thousand.
const maxStrings = 1 << 20

// readStringPool decodes _StringPool (pairs of 16-bit length and refcount,
// after a codepage header) and _StringData (the strings, back to back).
func readStringPool(pool, data []byte) (*stringPool, error) {
	if len(pool) < 4 {
		return nil, fmt.Errorf("msi: string pool too short (%d bytes)", len(pool))
	}
	sp := &stringPool{strs: []string{""}, refSize: 2}
	codepage := binary.LittleEndian.Uint32(pool)
	if codepage&0x80000000 != 0 {
		sp.refSize = 3
	}
	off := 0
	for i := 4; i+4 <= len(pool); {
		length := int(binary.LittleEndian.Uint16(pool[i:]))
		refs := binary.LittleEndian.Uint16(pool[i+2:])
		i += 4
		switch {
		case length == 0 && refs == 0:
			sp.strs = append(sp.strs, "")
			continue
		case length == 0:
			// Over 64 KiB: the next entry holds the length's two halves.
			if i+4 > len(pool) {
				return nil, fmt.Errorf("msi: string pool truncated at entry %d", len(sp.strs))
			}
			length = int(binary.LittleEndian.Uint16(pool[i:])) | int(binary.LittleEndian.Uint16(pool[i+2:]))<<16
			i += 4
		}
		if off+length > len(data) {
			return nil, fmt.Errorf("msi: string %d (%d bytes at %d) runs past the string data (%d bytes)", len(sp.strs), length, off, len(data))
		}
		sp.strs = append(sp.strs, decodeText(data[off:off+length]))
		off += length
		if len(sp.strs) > maxStrings {
			return nil, fmt.Errorf("msi: string pool over %d strings", maxStrings)
		}
	}
	return sp, nil
}

// decodeText returns UTF-8 strings as they are and reads anything else as
// Windows-1252's Latin-1 subset.
func decodeText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	for _, c := range b {
		s.WriteRune(rune(c))
	}
	return s.String()
}

// A column of a table's schema.
type column struct {
	name string
	typ  uint16
}

func (c column) isString() bool {
	return c.typ&typeString != 0 && c.typ&^typeNullable != typeString|typeValid
}

// width is the bytes a value of c takes in the table stream.
func (c column) width(refSize int) int {
	switch {
	case c.typ&^typeNullable == typeString|typeValid: // binary (stream) column
		return 2
	case c.typ&typeString != 0:
		return refSize
	case c.typ&0xFF == 4:
		return 4
	}
	return 2
}

// A table is read column by column, as the stream stores it.
type table struct {
	cols []column
	rows [][]any // string, int32 or nil for null
}

// col returns the index of the column called name, or -1.
func (t *table) col(name string) int {
	for i, c := range t.cols {
		if c.name == name {
			return i
		}
	}
	return -1
}

// str returns row r's value of column i as a string, "" for null.
func (t *table) str(r, i int) string {
	if i < 0 {
		return ""
	}
	s, _ := t.rows[r][i].(string)
	return s
}

// num returns row r's value of column i, 0 for null.
func (t *table) num(r, i int) int32 {
	if i < 0 {
		return 0
	}
	n, _ := t.rows[r][i].(int32)
	return n
}

// maxRows bounds one table.
const maxRows = 1 << 19

// decodeTable decodes a table stream: each column's values for all rows,
// then the next column. Integers are stored offset by 2^15 or 2^31 so that
// 0 means null.
func decodeTable(data []byte, cols []column, sp *stringPool) (*table, error) {
	rowSize := 0
	var stored []column
	for _, c := range cols {
		if c.typ&typeTemporary != 0 {
			continue
		}
		stored = append(stored, c)
		rowSize += c.width(sp.refSize)
	}
	t := &table{cols: stored}
	if rowSize == 0 {
		return t, nil
	}
	if len(data)%rowSize != 0 {
		return nil, fmt.Errorf("msi: table of %d bytes is not a whole number of %d-byte rows", len(data), rowSize)
	}
	n := len(data) / rowSize
	if n > maxRows {
		return nil, fmt.Errorf("msi: table of %d rows, over %d", n, maxRows)
	}
	t.rows = make([][]any, n)
	for r := range t.rows {
		t.rows[r] = make([]any, len(stored))
	}
	off := 0
	for ci, c := range stored {
		w := c.width(sp.refSize)
		for r := 0; r < n; r++ {
			b := data[off : off+w]
			off += w
			var v uint32
			for k := w - 1; k >= 0; k-- {
				v = v<<8 | uint32(b[k])
			}
			switch {
			case c.isString():
				if v == 0 {
					continue
				}
				if int(v) >= len(sp.strs) {
					return nil, fmt.Errorf("msi: column %s row %d refers to string %d of %d", c.name, r+1, v, len(sp.strs))
				}
				t.rows[r][ci] = sp.strs[v]
			case v == 0:
			case w == 4:
				t.rows[r][ci] = int32(v ^ 0x80000000)
			case w == 2 && c.typ&typeString == 0:
				t.rows[r][ci] = int32(v) - 0x8000
			default:
				t.rows[r][ci] = int32(v)
			}
		}
	}
	return t, nil
}

// columnsTable is the schema of _Columns, which describes every other
// table.
var columnsTable = []column{
	{"Table", typeValid | typeString | 64},
	{"Number", typeValid | 2},
	{"Name", typeValid | typeString | 64},
	{"Type", typeValid | 2},
}

// schemas reads _Columns into each table's ordered column list.
func schemas(data []byte, sp *stringPool) (map[string][]column, error) {
	t, err := decodeTable(data, columnsTable, sp)
	if err != nil {
		return nil, fmt.Errorf("msi: _Columns: %w", err)
	}
	out := map[string][]column{}
	for r := range t.rows {
		name, num := t.str(r, 0), int(t.num(r, 1))
		col := column{t.str(r, 2), uint16(t.num(r, 3))}
		cols := out[name]
		if num < 1 || num > 255 {
			return nil, fmt.Errorf("msi: _Columns: column %d of table %q", num, name)
		}
		for len(cols) < num {
			cols = append(cols, column{})
		}
		cols[num-1] = col
		out[name] = cols
	}
	return out, nil
}
