package pe

import (
	"bytes"
	"crypto"
	_ "crypto/md5" // digest algorithms an Authenticode signature may name
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	_ "crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/smallstep/pkcs7"
)

// winCertHeader is the size of the WIN_CERTIFICATE header (dwLength,
// wRevision, wCertificateType) in front of the PKCS#7 blob.
const winCertHeader = 8

// signature is what vigil reads of an Authenticode signature.
type signature struct {
	Offset    int64 // of the certificate table
	Subject   string
	Issuer    string
	Serial    string
	SHA1      string // thumbprints of the signer certificate
	SHA256    string
	Signed    time.Time // signingTime authenticated attribute, if any
	Timestamp time.Time // countersignature or RFC 3161 token time, if any
	DigestAlg string
	// DigestOK reports whether the image digest in the signature equals
	// the digest of the file; SigOK whether the PKCS#7 signature over it
	// verifies with the signer's key (the chain is not checked: vigil has
	// no trust store and judges signers by consistency instead).
	DigestOK bool
	SigOK    bool
	SigErr   string
	// SigForged is set when verification failed on the cryptography
	// itself (a digest or signature that does not match), not on an
	// algorithm or attribute this reader does not support.
	SigForged bool
	// Extra is data in the certificate table beyond the PKCS#7 blob and
	// its 8-byte alignment padding: where the 3CX loader kept its payload.
	ExtraOff, Extra int64
}

// errUnsigned is returned by readSignature when there is no signature.
var errUnsigned = errors.New("not signed")

// readSignature parses the first Authenticode signature of img.
func (img *image) readSignature() (sig *signature, err error) {
	defer func() {
		if r := recover(); r != nil { // pkcs7 and x509 parse hostile DER
			sig, err = nil, fmt.Errorf("malformed signature: %v", r)
		}
	}()
	off, size := img.certTable()
	if size == 0 {
		return nil, errUnsigned
	}
	tab := img.data[off : off+size]
	if len(tab) < winCertHeader {
		return nil, errors.New("certificate table shorter than its header")
	}
	length := int64(binary.LittleEndian.Uint32(tab))
	if length < winCertHeader || length > size {
		return nil, fmt.Errorf("WIN_CERTIFICATE length %d does not fit the %d-byte table", length, size)
	}
	blob := tab[winCertHeader:length]
	var outer asn1.RawValue
	rest, err := asn1.Unmarshal(blob, &outer)
	if err != nil {
		return nil, fmt.Errorf("certificate table: %v", err)
	}
	der := blob[:len(blob)-len(rest)]
	sig = &signature{Offset: off}
	// Everything after the DER signature that is not alignment padding
	// (at most 7 zero bytes to the next multiple of 8) is extra data,
	// whether WIN_CERTIFICATE's length or the directory size covers it.
	end := winCertHeader + int64(len(der))
	pad := (8 - end%8) % 8
	if tail := tab[end:]; int64(len(tail)) > pad || !allZero(tail) {
		if int64(len(tail)) <= pad {
			pad = 0
		}
		if allZero(tail[:pad]) {
			sig.ExtraOff, sig.Extra = off+end+pad, int64(len(tail))-pad
		} else {
			sig.ExtraOff, sig.Extra = off+end, int64(len(tail))
		}
	}

	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, fmt.Errorf("PKCS#7: %v", err)
	}
	if len(p7.Signers) == 0 {
		return nil, errors.New("PKCS#7 without a signer")
	}
	si := p7.Signers[0]
	if cert := signerCert(p7.Certificates, si.IssuerAndSerialNumber.SerialNumber); cert != nil {
		sig.Subject = cert.Subject.String()
		sig.Issuer = cert.Issuer.String()
		sig.Serial = hex.EncodeToString(cert.SerialNumber.Bytes())
		s1, s256 := sha1.Sum(cert.Raw), sha256.Sum256(cert.Raw)
		sig.SHA1, sig.SHA256 = hex.EncodeToString(s1[:]), hex.EncodeToString(s256[:])
	}
	var t time.Time
	if p7.UnmarshalSignedAttribute(oidSigningTime, &t) == nil {
		sig.Signed = t.UTC()
	}
	for _, a := range si.UnauthenticatedAttributes {
		if t := timestamp(a.Type, a.Value.Bytes); !t.IsZero() {
			sig.Timestamp = t
			break
		}
	}

	alg, want, err := indirectDigest(p7.Content)
	if err != nil {
		sig.SigErr = err.Error()
		return sig, nil
	}
	sig.DigestAlg = alg.String()
	if alg.Available() {
		sig.DigestOK = bytes.Equal(img.authenticodeDigest(alg), want)
	}
	if err := p7.Verify(); err != nil {
		sig.SigErr = err.Error()
		var mismatch *pkcs7.MessageDigestMismatchError
		sig.SigForged = errors.As(err, &mismatch) || errors.Is(err, rsa.ErrVerification) ||
			strings.Contains(err.Error(), "verification failure")
	} else {
		sig.SigOK = true
	}
	return sig, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func signerCert(certs []*x509.Certificate, serial *big.Int) *x509.Certificate {
	for _, c := range certs {
		if serial != nil && c.SerialNumber.Cmp(serial) == 0 {
			return c
		}
	}
	return nil
}

// Object identifiers (RFC 5652, RFC 3161 and Microsoft's Authenticode
// specification).
var (
	oidSigningTime      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidCounterSignature = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 6}
	oidRFC3161Token     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 3, 3, 1}
)

var digestOIDs = map[string]crypto.Hash{
	"1.2.840.113549.2.5":     crypto.MD5,
	"1.3.14.3.2.26":          crypto.SHA1,
	"2.16.840.1.101.3.4.2.1": crypto.SHA256,
	"2.16.840.1.101.3.4.2.2": crypto.SHA384,
	"2.16.840.1.101.3.4.2.3": crypto.SHA512,
}

// indirectDigest reads SpcIndirectDataContent: SEQUENCE { data
// SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo }. pkcs7
// hands over the content without its outer SEQUENCE header.
func indirectDigest(content []byte) (crypto.Hash, []byte, error) {
	var data asn1.RawValue
	rest, err := asn1.Unmarshal(content, &data)
	if err != nil {
		return 0, nil, fmt.Errorf("SpcIndirectDataContent: %v", err)
	}
	var di struct {
		Alg struct {
			Algorithm asn1.ObjectIdentifier
			Params    asn1.RawValue `asn1:"optional"`
		}
		Digest []byte
	}
	if _, err := asn1.Unmarshal(rest, &di); err != nil {
		return 0, nil, fmt.Errorf("SpcIndirectDataContent digest: %v", err)
	}
	h, ok := digestOIDs[di.Alg.Algorithm.String()]
	if !ok {
		return 0, nil, fmt.Errorf("unknown digest algorithm %v", di.Alg.Algorithm)
	}
	return h, di.Digest, nil
}

// authenticodeDigest hashes the image as Authenticode does: the whole
// file except the checksum field, the security directory entry and the
// certificate table.
func (img *image) authenticodeDigest(alg crypto.Hash) []byte {
	h := alg.New()
	d := img.data
	cs, cd := img.checksumOff(), img.certDirOff()
	if cd+8 > int64(len(d)) {
		return nil
	}
	off, size := img.certTable()
	end := int64(len(d))
	if size > 0 && off >= cd+8 {
		end = off
	}
	h.Write(d[:cs])
	h.Write(d[cs+4 : cd])
	h.Write(d[cd+8 : end])
	if size > 0 && off+size < int64(len(d)) {
		h.Write(d[off+size:])
	}
	return h.Sum(nil)
}

// timestamp returns the time of a timestamp countersignature, given one
// unauthenticated attribute of the signer: either the legacy PKCS#9
// counterSignature (a SignerInfo with a signingTime attribute) or an RFC
// 3161 token (a SignedData over a TSTInfo whose fifth field is genTime).
func timestamp(oid asn1.ObjectIdentifier, set []byte) time.Time {
	switch {
	case oid.Equal(oidCounterSignature):
		var si asn1.RawValue
		if _, err := asn1.Unmarshal(set, &si); err != nil {
			return time.Time{}
		}
		for _, el := range elements(si.Bytes) {
			if el.Class == asn1.ClassContextSpecific && el.Tag == 0 {
				return signingTime(el.Bytes)
			}
		}
	case oid.Equal(oidRFC3161Token):
		tok, err := pkcs7.Parse(set)
		if err != nil {
			return time.Time{}
		}
		var tst asn1.RawValue
		if _, err := asn1.Unmarshal(tok.Content, &tst); err != nil {
			return time.Time{}
		}
		if els := elements(tst.Bytes); len(els) > 4 {
			var t time.Time
			if _, err := asn1.Unmarshal(els[4].FullBytes, &t); err == nil {
				return t.UTC()
			}
		}
	}
	return time.Time{}
}

// signingTime finds the signingTime attribute in a run of DER Attribute
// SEQUENCEs.
func signingTime(attrs []byte) time.Time {
	for _, a := range elements(attrs) {
		var attr struct {
			Type  asn1.ObjectIdentifier
			Value asn1.RawValue `asn1:"set"`
		}
		if _, err := asn1.Unmarshal(a.FullBytes, &attr); err != nil || !attr.Type.Equal(oidSigningTime) {
			continue
		}
		var t time.Time
		if _, err := asn1.Unmarshal(attr.Value.Bytes, &t); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// elements splits DER content into its elements, stopping at the first
// that does not parse.
func elements(b []byte) []asn1.RawValue {
	var out []asn1.RawValue
	for len(b) > 0 && len(out) < 64 {
		var rv asn1.RawValue
		rest, err := asn1.Unmarshal(b, &rv)
		if err != nil {
			break
		}
		out = append(out, rv)
		b = rest
	}
	return out
}
