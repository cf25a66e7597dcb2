package js

import "strings"

// sensitiveExact are API names that count only as the whole decoded
// string: short enough to occur inside honest text.
var sensitiveExact = map[string]bool{
	"eval": true, "exec": true, "execSync": true, "spawn": true, "spawnSync": true,
	"Function": true, "require": true, "atob": true, "http": true, "https": true,
	"crypto": true, "fetch": true, "readFileSync": true, "homedir": true, "userInfo": true,
}

// sensitiveParts are names that count wherever they appear in the decoded
// string.
var sensitiveParts = []string{
	"child_process", "_compile", "XMLHttpRequest", "npm_package_", "createDecipher",
	"aes-256-", "aes-128-", "aes-192-", "fromCharCode", "runInThisContext", "runInNewContext",
	"process.env", "ethereum", ".npmrc", "git-credentials", "eval(", "Function(",
	"require(", "powershell", "/bin/sh", "/bin/bash", "cmd.exe",
}

// sensitive returns the sensitive name s is or contains, or "".
func sensitive(s string) string {
	if len(s) > 64<<10 {
		s = s[:64<<10]
	}
	if sensitiveExact[s] {
		return s
	}
	for _, p := range sensitiveParts {
		if strings.Contains(s, p) {
			return p
		}
	}
	return ""
}

// modules that reach the network, by the name require or import uses.
var networkModules = map[string]bool{
	"http": true, "https": true, "http2": true, "net": true, "dgram": true, "tls": true, "dns": true,
	"undici": true, "node-fetch": true, "axios": true, "got": true, "request": true, "ws": true,
	"socket.io-client": true, "cross-fetch": true, "isomorphic-fetch": true, "needle": true,
	"superagent": true, "phin": true, "ky": true,
}

// credentialParts are path pieces of credential stores. Each is specific
// enough that its mere presence in a string is worth listing.
var credentialParts = []string{
	".npmrc", ".git-credentials", ".ssh/", ".ssh\\", "id_rsa", "id_ed25519", ".aws/credentials",
	".aws\\credentials", ".docker/config.json", "gh/hosts.yml", ".kube/config",
	"Login Data", "Local Storage", "Local State", "Web Data", "wallet.dat", "Exodus",
	"Electrum",
	// Browser extension IDs of popular wallets: MetaMask, Phantom, Coinbase
	// Wallet, TronLink, Binance Wallet.
	"nkbihfbeogaeaoehlefnkodbefgpgknn", "bfnaelmomeimhlpmgjnjophhpkkoljpa",
	"hnfanknocfeofbddgcijnmhnfnkdnaad", "ibnejdfjmmkpcnlpebklmnkoeoihofec",
	"fhbohimaelbohpjbbldcngcnapndodjp",
}

// credentialExact are credential store names that count only as a whole
// string or a path component: "Cookies" alone, not a sentence about them.
var credentialExact = []string{".ssh", ".aws", "Cookies", "leveldb", ".gnupg"}

// credential returns the credential store s names, or "".
func credential(s string) string {
	if len(s) > 1024 {
		return ""
	}
	for _, p := range credentialParts {
		if strings.Contains(s, p) {
			return p
		}
	}
	for _, name := range credentialExact {
		for at := 0; ; {
			i := strings.Index(s[at:], name)
			if i < 0 {
				break
			}
			i += at
			end := i + len(name)
			// A dot-name (".ssh") is a store even as a whole string; a
			// plain word ("Cookies") only as a component of a path.
			before := i > 0 && isSep(s[i-1]) || i == 0 && name[0] == '.'
			if before && (end == len(s) || isSep(s[end])) {
				return name
			}
			at = end
		}
	}
	return ""
}

func isSep(c byte) bool { return c == '/' || c == '\\' }
