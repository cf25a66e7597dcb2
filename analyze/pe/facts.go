package pe

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/vigilsec/vigil/analyze"
)

// Fact keys recorded for every PE image, read by AnalyzeRelease. Version
// facts are named after their StringFileInfo key ("pe.FileVersion").
const (
	FactSigned    = "pe.signed"     // "yes" or "no"
	FactSubject   = "pe.subject"    // signer certificate subject
	FactIssuer    = "pe.issuer"     // signer certificate issuer
	FactThumb     = "pe.thumbprint" // SHA-256 of the signer certificate
	FactDigestOK  = "pe.digest-ok"  // "yes" or "no", signed images only
	FactCertExtra = "pe.cert-extra" // bytes hidden in the certificate table
	FactSignedAt  = "pe.signed-at"  // RFC 3339 signing time, if stated
	FactCodeHash  = "pe.code-hash"  // SHA-256 over the executable sections
	FactImports   = "pe.imports"    // "dll!Function" lines, sorted
	FactExports   = "pe.exports"    // exported names, one a line, sorted
	FactTimestamp = "pe.timestamp"  // RFC 3339 countersignature time, if any
	FactVersion   = "pe."           // prefix of the version resource facts
)

// Record implements analyze.FactRecorder.
func (Analyzer) Record(f *analyze.File, facts map[string]string) {
	if f.Kind != analyze.PE {
		return
	}
	defer func() { recover() }() // facts are best effort; Analyze reports the damage
	img, err := parse(f.Data)
	if err != nil {
		return
	}
	for k, v := range img.version() {
		facts[FactVersion+k] = v
	}
	h := sha256.New()
	for _, s := range img.sections {
		if executable(s) {
			h.Write(img.raw(s))
		}
	}
	facts[FactCodeHash] = hex.EncodeToString(h.Sum(nil))
	facts[FactImports] = strings.Join(img.imports, "\n")
	if len(img.exports) > 0 {
		facts[FactExports] = strings.Join(img.exports, "\n")
	}
	facts[FactSigned] = "no"
	if f.Truncated() {
		return
	}
	sig, err := img.readSignature()
	if err != nil {
		return
	}
	facts[FactSigned] = "yes"
	facts[FactSubject] = sig.Subject
	facts[FactIssuer] = sig.Issuer
	facts[FactThumb] = sig.SHA256
	facts[FactDigestOK] = yesNo(sig.DigestOK && sig.SigOK)
	if sig.Extra > 0 {
		facts[FactCertExtra] = strconv.FormatInt(sig.Extra, 10)
	}
	if !sig.Signed.IsZero() {
		facts[FactSignedAt] = sig.Signed.Format("2006-01-02T15:04:05Z")
	}
	if !sig.Timestamp.IsZero() {
		facts[FactTimestamp] = sig.Timestamp.Format("2006-01-02T15:04:05Z")
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
