package pe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sort"
	"strings"

	"github.com/vigilsec/vigil/report"
)

// metadata is what vigil reads of a .NET assembly's metadata (ECMA-335
// partition II, section 24): the types it defines, with their methods,
// and the members it references in other assemblies.
type metadata struct {
	Types []typeDef
	Refs  []string // "Namespace.Type::Member", sorted, unique
}

type typeDef struct {
	Name    string // "Namespace.Type"
	Methods []string
	Offset  int64 // file offset of the TypeDef row
}

// Bounds for hostile metadata.
const (
	maxRows = 1 << 20
)

// Metadata table numbers used here.
const (
	tModule, tTypeRef, tTypeDef, tFieldPtr, tField, tMethodPtr, tMethodDef = 0, 1, 2, 3, 4, 5, 6
	tParamPtr, tParam, tInterfaceImpl, tMemberRef                          = 7, 8, 9, 10
	tModuleRef, tTypeSpec, tAssemblyRef                                    = 26, 27, 35
)

// readMetadata parses the CLR header and the #~ tables stream up to
// MemberRef. It returns nil, nil for an image without a CLR header.
func (img *image) readMetadata() (*metadata, error) {
	d := img.dir(dirCLR)
	cor := img.at(d.VirtualAddress, 16)
	if d.Size == 0 || cor == nil {
		return nil, nil
	}
	mdRVA, mdSize := binary.LittleEndian.Uint32(cor[8:]), binary.LittleEndian.Uint32(cor[12:])
	root := img.at(mdRVA, int(min(mdSize, 64<<20)))
	if len(root) < 20 || binary.LittleEndian.Uint32(root) != 0x424A5342 { // "BSJB"
		return nil, errors.New("no metadata root")
	}
	streams := map[string][]byte{}
	vlen := int(binary.LittleEndian.Uint32(root[12:]))
	pos := 16 + vlen
	if vlen < 0 || pos+4 > len(root) {
		return nil, errors.New("metadata root truncated")
	}
	n := int(binary.LittleEndian.Uint16(root[pos+2:]))
	pos += 4
	for i := 0; i < n && i < 16 && pos+8 < len(root); i++ {
		off, size := binary.LittleEndian.Uint32(root[pos:]), binary.LittleEndian.Uint32(root[pos+4:])
		pos += 8
		end := pos
		for end < len(root) && end < pos+32 && root[end] != 0 {
			end++
		}
		name := string(root[pos:end])
		pos = align4(end + 1)
		if uint64(off)+uint64(size) <= uint64(len(root)) {
			streams[name] = root[off : off+size]
		}
	}
	tables := streams["#~"]
	if tables == nil {
		tables = streams["#-"]
	}
	if len(tables) < 24 {
		return nil, errors.New("no tables stream")
	}
	r := &tableReader{strs: streams["#Strings"], heapSizes: tables[6]}
	valid := binary.LittleEndian.Uint64(tables[8:])
	pos = 24
	for t := 0; t < 64; t++ {
		if valid&(1<<t) == 0 {
			continue
		}
		if pos+4 > len(tables) {
			return nil, errors.New("row counts truncated")
		}
		r.rows[t] = int(binary.LittleEndian.Uint32(tables[pos:]))
		if r.rows[t] > maxRows {
			return nil, fmt.Errorf("table %d claims %d rows", t, r.rows[t])
		}
		pos += 4
	}
	r.data, r.base = tables[pos:], img.fileOffset(tables[pos:])
	return r.read()
}

// fileOffset returns the offset of sub, a slice of img.data, in the file.
func (img *image) fileOffset(sub []byte) int64 {
	if len(sub) == 0 {
		return 0
	}
	return int64(cap(img.data) - cap(sub))
}

// tableReader walks the metadata tables, whose column widths depend on
// heap sizes and row counts.
type tableReader struct {
	data      []byte
	base      int64
	strs      []byte
	heapSizes byte
	rows      [64]int
}

// Column kinds: fixed widths, heap indexes, a simple table index (its
// table number), or a coded index over several tables.
type col struct {
	fixed int   // 2 or 4 when a constant
	heap  byte  // heap size bit: 1 string, 2 GUID, 4 blob
	table int   // simple index into this table, when >= 0
	coded []int // coded index over these tables
}

func fixed(n int) col     { return col{fixed: n, table: -1} }
func heap(bit byte) col   { return col{heap: bit, table: -1} }
func index(t int) col     { return col{table: t} }
func coded(ts ...int) col { return col{coded: ts, table: -1} }

var (
	str, guid, blob = heap(1), heap(2), heap(4)
	typeDefOrRef    = coded(tTypeDef, tTypeRef, tTypeSpec)
	resolutionScope = coded(tModule, tModuleRef, tAssemblyRef, tTypeRef)
	memberRefParent = coded(tTypeDef, tTypeRef, tModuleRef, tMethodDef, tTypeSpec)
)

// schema lists the columns of tables 0 to 10, all that must be crossed to
// reach MemberRef.
var schema = [...][]col{
	tModule:        {fixed(2), str, guid, guid, guid},
	tTypeRef:       {resolutionScope, str, str},
	tTypeDef:       {fixed(4), str, str, typeDefOrRef, index(tField), index(tMethodDef)},
	tFieldPtr:      {index(tField)},
	tField:         {fixed(2), str, blob},
	tMethodPtr:     {index(tMethodDef)},
	tMethodDef:     {fixed(4), fixed(2), fixed(2), str, blob, index(tParam)},
	tParamPtr:      {index(tParam)},
	tParam:         {fixed(2), fixed(2), str},
	tInterfaceImpl: {index(tTypeDef), typeDefOrRef},
	tMemberRef:     {memberRefParent, str, blob},
}

func (r *tableReader) width(c col) int {
	switch {
	case c.fixed > 0:
		return c.fixed
	case c.heap != 0:
		if r.heapSizes&c.heap != 0 {
			return 4
		}
		return 2
	case c.table >= 0:
		if r.rows[c.table] < 1<<16 {
			return 2
		}
		return 4
	}
	tagBits := bits.Len(uint(len(c.coded) - 1))
	most := 0
	for _, t := range c.coded {
		most = max(most, r.rows[t])
	}
	if most < 1<<(16-tagBits) {
		return 2
	}
	return 4
}

// table returns the rows of table t as [row][column] values.
func (r *tableReader) table(t int, start int) ([][]uint32, int, error) {
	cols := schema[t]
	rowSize := 0
	for _, c := range cols {
		rowSize += r.width(c)
	}
	n := r.rows[t]
	if start+n*rowSize > len(r.data) {
		return nil, 0, fmt.Errorf("table %d truncated", t)
	}
	out := make([][]uint32, n)
	pos := start
	for i := range out {
		row := make([]uint32, len(cols))
		for j, c := range cols {
			if r.width(c) == 2 {
				row[j] = uint32(binary.LittleEndian.Uint16(r.data[pos:]))
			} else {
				row[j] = binary.LittleEndian.Uint32(r.data[pos:])
			}
			pos += r.width(c)
		}
		out[i] = row
	}
	return out, pos, nil
}

// str reads a name from the #Strings heap.
func (r *tableReader) str(i uint32) string {
	if int64(i) >= int64(len(r.strs)) {
		return ""
	}
	s := r.strs[i:min(int(i)+512, len(r.strs))]
	for j, c := range s {
		if c == 0 {
			return string(s[:j])
		}
	}
	return string(s)
}

func (r *tableReader) read() (*metadata, error) {
	var rows [tMemberRef + 1][][]uint32
	var starts [tMemberRef + 1]int
	pos := 0
	for t := range rows {
		var err error
		starts[t] = pos
		if rows[t], pos, err = r.table(t, pos); err != nil {
			return nil, err
		}
	}
	md := &metadata{}
	typeDefs, methods := rows[tTypeDef], rows[tMethodDef]
	rowSize := 0
	for _, c := range schema[tTypeDef] {
		rowSize += r.width(c)
	}
	for i, td := range typeDefs {
		name := qualify(r.str(td[2]), r.str(td[1]))
		if name == "<Module>" {
			continue
		}
		first, last := int(td[5]), len(methods)+1
		if i+1 < len(typeDefs) {
			last = int(typeDefs[i+1][5])
		}
		var ms []string
		for m := max(first, 1); m < last && m <= len(methods); m++ {
			ms = append(ms, r.str(methods[m-1][3]))
		}
		md.Types = append(md.Types, typeDef{Name: name, Methods: ms, Offset: r.base + int64(starts[tTypeDef]+i*rowSize)})
	}
	seen := map[string]bool{}
	typeRefs := rows[tTypeRef]
	for _, mr := range rows[tMemberRef] {
		tag, idx := mr[0]&7, int(mr[0]>>3)
		if tag != 1 || idx < 1 || idx > len(typeRefs) { // TypeRef parents only
			continue
		}
		tr := typeRefs[idx-1]
		ref := qualify(r.str(tr[2]), r.str(tr[1])) + "::" + r.str(mr[1])
		if !seen[ref] {
			seen[ref] = true
			md.Refs = append(md.Refs, ref)
		}
	}
	sort.Strings(md.Refs)
	return md, nil
}

func qualify(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "." + name
}

// riskyRefs are framework members whose use is worth a look, by level;
// loadRefs and decodeRefs make a loader when an assembly uses both.
var (
	riskyRefs = map[string]report.Level{
		"System.Reflection.Assembly::Load":                                      report.Medium,
		"System.Reflection.Assembly::LoadFile":                                  report.Medium,
		"System.Reflection.Assembly::LoadFrom":                                  report.Medium,
		"System.AppDomain::Load":                                                report.Medium,
		"System.Runtime.InteropServices.Marshal::GetDelegateForFunctionPointer": report.Medium,
		"System.Diagnostics.Process::Start":                                     report.Low,
		"System.Net.WebClient::DownloadData":                                    report.Low,
		"System.Net.WebClient::DownloadString":                                  report.Low,
		"System.Net.WebClient::DownloadFile":                                    report.Low,
		"System.Net.Http.HttpClient::GetByteArrayAsync":                         report.Low,
		"System.Net.Http.HttpClient::GetStringAsync":                            report.Low,
		"System.Net.Sockets.TcpClient::.ctor":                                   report.Low,
	}
	loadRefs   = []string{"System.Reflection.Assembly::Load", "System.AppDomain::Load", "System.Runtime.InteropServices.Marshal::GetDelegateForFunctionPointer"}
	decodeRefs = []string{"System.Convert::FromBase64String", "::CreateDecryptor", "System.Net.WebClient::Download", "System.Net.Http.HttpClient::GetByteArrayAsync", "System.Net.Http.HttpClient::GetStreamAsync"}
)

// smallAssembly is the type count below which a co-occurrence of loading
// and decoding is judged a stager: a framework assembly with hundreds of
// types does both for unrelated reasons.
const smallAssembly = 50

// dotnetFindings lists an assembly's risky framework references; loading
// an assembly from decoded, decrypted or downloaded bytes is high in a
// small assembly. The types it defines are reported by Diff, as additions.
func (img *image) dotnetFindings() []report.Finding {
	md, err := img.readMetadata()
	if md == nil {
		if err != nil {
			return []report.Finding{{Rule: RuleMalformed, Level: report.Low, Offset: 0,
				Message: "the .NET metadata does not parse: " + err.Error(), Match: report.Snippet(err.Error())}}
		}
		return nil
	}
	var out []report.Finding
	var load, decode string
	for _, ref := range md.Refs {
		if l, ok := riskyRefs[ref]; ok {
			out = append(out, report.Finding{Rule: RuleDotnetMemberRef, Level: l,
				Message: "references " + ref, Match: report.Snippet(ref)})
		}
		for _, p := range loadRefs {
			if ref == p && load == "" {
				load = ref
			}
		}
		for _, p := range decodeRefs {
			if strings.Contains(ref, p) && decode == "" {
				decode = ref
			}
		}
	}
	if load != "" && decode != "" {
		level := report.High
		if len(md.Types) >= smallAssembly {
			level = report.Medium
		}
		out = append(out, report.Finding{Rule: RuleDotnetLoader, Level: level,
			Message: fmt.Sprintf("loads code at run time (%s) and decodes, decrypts or downloads bytes (%s): the shape of a .NET stager", load, decode),
			Match:   report.Snippet(load + " + " + decode)})
	}
	return out
}

// list joins up to n names, marking the rest with "...".
func list(names []string, n int) string {
	if len(names) > n {
		names = append(names[:n:n], "...")
	}
	return strings.Join(names, ", ")
}
