package golang

import (
	"go/ast"
	"strings"

	"github.com/vigilsec/vigil/report"
)

// credentialMarkers are path pieces that name secrets: SSH keys, cloud and
// registry credentials, browser and wallet storage.
var credentialMarkers = []string{
	".ssh/", "id_rsa", "id_ed25519", ".aws/credentials", ".git-credentials",
	".npmrc", ".docker/config.json", ".kube/config", ".gnupg", ".config/gh/hosts.yml",
	"Login Data", "Local Storage/leveldb", "wallet.dat", "Ethereum/keystore",
	"exodus.wallet", "Library/Keychains", "Local State",
}

// credentialNames are whole literals that name a secret directory, as in
// filepath.Join(home, ".ssh").
var credentialNames = map[string]bool{".ssh": true, ".aws": true, ".gnupg": true, ".git-credentials": true, ".npmrc": true}

// credentialPath returns the marker s contains, or "".
func credentialPath(s string) string {
	if credentialNames[s] {
		return s
	}
	if len(s) > 300 {
		return ""
	}
	for _, m := range credentialMarkers {
		if strings.Contains(s, m) {
			return m
		}
	}
	return ""
}

// credential records a literal naming a credential file; it is reported
// once the whole file is read, high when the file uses the network.
func (c *checker) credential(bl *ast.BasicLit) {
	v, ok := literal(bl)
	if !ok {
		return
	}
	m := credentialPath(v.s)
	if m == "" {
		return
	}
	p := c.fset.Position(bl.Pos())
	c.creds = append(c.creds, report.Finding{
		Rule: RuleCredential, Level: report.Medium, Message: "names a credential file (" + m + ")",
		Line: p.Line, Column: p.Column, Offset: int64(p.Offset), Match: report.Snippet(m),
	})
}
