package ledger

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// LoadKey reads the log's signing key from path, creating a new one for
// origin if the file does not exist. The public verifier key is written
// beside it as path+".pub", for witnesses and for `vigil verify
// --bundle`. Several watchers sharing one database must share this file.
func LoadKey(path, origin string) (note.Signer, string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		skey, _, err := GenerateKey(origin)
		if err != nil {
			return nil, "", err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, "", err
		}
		_, err = f.WriteString(skey + "\n")
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, "", err
		}
		data = []byte(skey)
	} else if err != nil {
		return nil, "", err
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, "", fmt.Errorf("ledger: key %s: %v", path, err)
	}
	if signer.Name() != origin {
		return nil, "", fmt.Errorf("ledger: key %s is for origin %q, config says %q", path, signer.Name(), origin)
	}
	vkey, err := VerifierKey(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, "", err
	}
	if err := os.WriteFile(path+".pub", []byte(vkey+"\n"), 0o644); err != nil {
		return nil, "", err
	}
	return signer, vkey, nil
}

// VerifierKey derives the public verifier key from a signer key, whose
// text is "PRIVATE+KEY+name+hash+key".
func VerifierKey(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("ledger: malformed signer key")
	}
	// note has no exported derivation; build the verifier from the seed.
	return verifierFromSeed(parts[2], parts[4])
}

func verifierFromSeed(name, key string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(b) != 1+ed25519.SeedSize || b[0] != 1 {
		return "", errors.New("ledger: malformed signer key")
	}
	pub := ed25519.NewKeyFromSeed(b[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(name, pub)
}
