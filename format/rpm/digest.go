package rpm

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
)

// digestAlgo returns a constructor for the hash the FILEDIGESTALGO tag
// names (PGP hash algorithm numbers; absent means MD5), nil for one this
// package does not check.
func digestAlgo(v []int64) func() hash.Hash {
	algo := int64(1)
	if len(v) > 0 {
		algo = v[0]
	}
	switch algo {
	case 1:
		return md5.New
	case 2:
		return sha1.New
	case 8:
		return sha256.New
	case 9:
		return sha512.New384
	case 10:
		return sha512.New
	case 11:
		return sha256.New224
	}
	return func() hash.Hash { return nil }
}
