package sampledata

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/systemauth"
)

// SystemClient is a sample system registered for the FHIR routes, with its
// private key, as its owner would hold it.
type SystemClient struct {
	portal.SystemClient
	Key    crypto.Signer
	Method jwt.SigningMethod
}

// The sample systems: an EHR of provider A's (ES384) and one of provider
// B's (RS384), a clearinghouse for both (RS384), and an EHR the plan has
// disabled.
const (
	EHRClient           = "bluegrass-ehr"
	HospitalEHRClient   = "lexington-general-ehr"
	ClearinghouseClient = "kentucky-clearinghouse"
	RetiredClient       = "retired-ehr"
)

// SystemClients are the sample systems, their keys kept in dir (made on
// first use, never committed), so that a token asked for from the command
// line is signed as the registered client's.
func SystemClients(dir string) ([]SystemClient, error) {
	specs := []struct {
		id, name string
		tins     []portal.ProviderID
		rsa      bool
		disabled bool
	}{
		{EHRClient, "Bluegrass Family Medicine's EHR", []portal.ProviderID{portal.ProviderID(ProviderA.TIN)}, false, false},
		{HospitalEHRClient, "Lexington General Hospital's EHR", []portal.ProviderID{portal.ProviderID(ProviderB.TIN)}, true, false},
		{ClearinghouseClient, "Kentucky Claims Clearinghouse", []portal.ProviderID{portal.ProviderID(ProviderA.TIN), portal.ProviderID(ProviderB.TIN)}, true, false},
		{RetiredClient, "A retired EHR of Edge Case Clinic's", []portal.ProviderID{portal.ProviderID(ProviderC.TIN)}, false, true},
	}
	var out []SystemClient
	for _, s := range specs {
		key, err := loadKey(filepath.Join(dir, s.id+".pem"), s.rsa)
		if err != nil {
			return nil, err
		}
		kid := s.id + "-1"
		jwk, err := systemauth.PublicJWK(key.Public(), kid)
		if err != nil {
			return nil, err
		}
		set, err := json.Marshal(map[string]any{"keys": []any{jwk}})
		if err != nil {
			return nil, err
		}
		method := jwt.SigningMethod(jwt.SigningMethodES384)
		if s.rsa {
			method = jwt.SigningMethodRS384
		}
		out = append(out, SystemClient{SystemClient: portal.SystemClient{ID: s.id, Name: s.name, TINs: s.tins,
			JWKS: string(set), Disabled: s.disabled}, Key: key, Method: method})
	}
	return out, nil
}

// Assertion is a client assertion for the token endpoint tokenURL:
// signed with the client's key, expiring in four minutes, a new jti.
func (c SystemClient) Assertion(tokenURL string) (string, error) {
	now := time.Now()
	tok := jwt.NewWithClaims(c.Method, jwt.MapClaims{"iss": c.ID, "sub": c.ID, "aud": tokenURL,
		"iat": now.Unix(), "exp": now.Add(4 * time.Minute).Unix(), "jti": rand.Text()})
	tok.Header["kid"] = c.ID + "-1"
	return tok.SignedString(c.Key)
}

// loadKey reads a PKCS #8 key, or makes one (RSA 2048 or P-384) there.
func loadKey(path string, isRSA bool) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		blk, _ := pem.Decode(b)
		if blk == nil {
			return nil, fmt.Errorf("%s holds no PEM key; delete it to make a new one", path)
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("%s: not a signing key", path)
		}
		return s, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var key crypto.Signer
	if isRSA {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	}
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return key, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
}
