package msi

import "strings"

// systemFolders are the Directory keys Windows Installer sets to system
// locations. Paths below them are shown starting with the key, which is
// what a reader of the installer expects ("ProgramFilesFolder/Vendor/App").
var systemFolders = map[string]bool{
	"AdminToolsFolder": true, "AppDataFolder": true, "CommonAppDataFolder": true,
	"CommonFiles64Folder": true, "CommonFilesFolder": true, "CommonFiles6432Folder": true,
	"DesktopFolder": true, "FavoritesFolder": true, "FontsFolder": true,
	"LocalAppDataFolder": true, "MyPicturesFolder": true, "NetHoodFolder": true,
	"PersonalFolder": true, "PrintHoodFolder": true, "ProgramFiles64Folder": true,
	"ProgramFilesFolder": true, "ProgramFiles6432Folder": true, "ProgramMenuFolder": true,
	"RecentFolder": true, "SendToFolder": true, "StartMenuFolder": true,
	"StartupFolder": true, "System16Folder": true, "System64Folder": true,
	"SystemFolder": true, "System6432Folder": true, "TempFolder": true,
	"TemplateFolder": true, "WindowsFolder": true, "WindowsVolume": true,
}

// maxDirDepth bounds the Directory parent chain, which a hostile table
// can make circular.
const maxDirDepth = 64

// dirResolver turns Directory keys into install paths.
type dirResolver struct {
	parent, name map[string]string
	done         map[string]string
}

func newDirResolver(t *table) *dirResolver {
	d := &dirResolver{parent: map[string]string{}, name: map[string]string{}, done: map[string]string{}}
	if t == nil {
		return d
	}
	key, par, def := t.col("Directory"), t.col("Directory_Parent"), t.col("DefaultDir")
	for r := range t.rows {
		k := t.str(r, key)
		d.parent[k] = t.str(r, par)
		d.name[k] = targetName(t.str(r, def))
	}
	return d
}

// targetName picks the long install name out of a DefaultDir or FileName
// value: "[short|]long[:[short|]long]" where the part after ':' is the
// source name.
func targetName(v string) string {
	if i := strings.IndexByte(v, ':'); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexByte(v, '|'); i >= 0 {
		v = v[i+1:]
	}
	return v
}

// path returns the install path of Directory key k, "" for the root
// (TARGETDIR, or any directory without a parent). ok is false when the
// chain is broken, circular or too deep.
func (d *dirResolver) path(k string) (p string, ok bool) {
	return d.resolve(k, 0)
}

func (d *dirResolver) resolve(k string, depth int) (string, bool) {
	if p, ok := d.done[k]; ok {
		return p, true
	}
	if depth > maxDirDepth {
		return "", false
	}
	if systemFolders[k] {
		return k, true
	}
	parent, known := d.parent[k]
	if !known {
		return k, false
	}
	if k == "TARGETDIR" || parent == "" || parent == k {
		return "", true
	}
	pp, ok := d.resolve(parent, depth+1)
	if !ok {
		return pp, false
	}
	// Joined by hand, not path.Join, so that a ".." in a name reaches
	// format.Namer and is reported.
	p := pp
	if n := d.name[k]; n != "." && n != "" {
		p = n
		if pp != "" {
			p = pp + "/" + n
		}
	}
	d.done[k] = p
	return p, true
}
