package systemauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// jwk is one JSON Web Key, as much of it as a client's public keys and the
// server's own use.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid,omitempty"`
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	// RSA
	N string `json:"n,omitempty"`
	E string `json:"e,omitempty"`
	// EC
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	// D is a private key's: a set that holds one is refused.
	D string `json:"d,omitempty"`
}

// clientKey is one of a client's public keys.
type clientKey struct {
	kid string
	alg string // the JWS algorithm the key signs with: RS384 or ES384
	pub crypto.PublicKey
}

// readJWKS reads a client's registered key set: RSA keys of 2048 bits or
// more (RS384) and P-384 keys (ES384), the algorithms SMART Backend
// Services requires of servers. Keys marked for encryption are skipped; a
// private key is an error, as is a set with no usable key.
func readJWKS(s string) ([]clientKey, error) {
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal([]byte(s), &set); err != nil {
		return nil, fmt.Errorf("the registered key set is not a JWKS: %w", err)
	}
	var keys []clientKey
	for i, k := range set.Keys {
		if k.D != "" {
			return nil, fmt.Errorf("key %d of the registered set is a private key", i)
		}
		if k.Use == "enc" {
			continue
		}
		switch k.Kty {
		case "RSA":
			n, err1 := b64int(k.N)
			e, err2 := b64int(k.E)
			if err := errors.Join(err1, err2); err != nil || !e.IsInt64() || e.Int64() < 3 || n.BitLen() < 2048 {
				return nil, fmt.Errorf("key %d of the registered set is not an RSA public key of 2048 bits or more", i)
			}
			keys = append(keys, clientKey{kid: k.Kid, alg: "RS384", pub: &rsa.PublicKey{N: n, E: int(e.Int64())}})
		case "EC":
			if k.Crv != "P-384" {
				continue // ES384 only: P-384
			}
			x, err1 := base64.RawURLEncoding.DecodeString(k.X)
			y, err2 := base64.RawURLEncoding.DecodeString(k.Y)
			if err := errors.Join(err1, err2); err != nil || len(x) != 48 || len(y) != 48 {
				return nil, fmt.Errorf("key %d of the registered set is not a P-384 public key", i)
			}
			pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P384(), append(append([]byte{4}, x...), y...))
			if err != nil {
				return nil, fmt.Errorf("key %d of the registered set: %w", i, err)
			}
			keys = append(keys, clientKey{kid: k.Kid, alg: "ES384", pub: pub})
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("the registered key set has no RSA or P-384 signing key")
	}
	return keys, nil
}

func b64int(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, errors.New("not a base64url number")
	}
	return new(big.Int).SetBytes(b), nil
}

// rsaJWK is the server's RSA public key as a JWK whose kid is its RFC 7638
// thumbprint, so that a new key is a new kid.
func rsaJWK(pub *rsa.PublicKey) jwk {
	n := base64.RawURLEncoding.EncodeToString(pub.N.Bytes())
	e := base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes())
	thumb := sha256.Sum256([]byte(`{"e":"` + e + `","kty":"RSA","n":"` + n + `"}`))
	return jwk{Kty: "RSA", Kid: base64.RawURLEncoding.EncodeToString(thumb[:]), Use: "sig", Alg: "RS256", N: n, E: e}
}

// PublicJWK is a public key as a JWK, for a client's registration: an RSA
// key (RS384) or a P-384 key (ES384), with kid.
func PublicJWK(pub crypto.PublicKey, kid string) (map[string]string, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		j := rsaJWK(k)
		return map[string]string{"kty": "RSA", "kid": kid, "alg": "RS384", "use": "sig", "n": j.N, "e": j.E}, nil
	case *ecdsa.PublicKey:
		b, err := k.Bytes()
		if err != nil || k.Curve != elliptic.P384() {
			return nil, errors.New("not a P-384 key")
		}
		return map[string]string{"kty": "EC", "kid": kid, "alg": "ES384", "use": "sig", "crv": "P-384",
			"x": base64.RawURLEncoding.EncodeToString(b[1:49]), "y": base64.RawURLEncoding.EncodeToString(b[49:])}, nil
	}
	return nil, fmt.Errorf("a %T key is not one a client registers", pub)
}
