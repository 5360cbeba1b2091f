package stack

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The local issuer and audience; template parameters JwtIssuer and
// JwtAudience take these values locally.
const (
	DevIssuer   = "https://dev-issuer.provider-portal.local"
	DevAudience = "provider-portal-local"
)

// DevAuth signs and verifies development tokens, as a Cognito user pool and
// API Gateway's JWT authorizer would.
type DevAuth struct{ key *rsa.PrivateKey }

// NewDevAuth makes a fresh signing key, for tests.
func NewDevAuth() (*DevAuth, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return &DevAuth{key: k}, nil
}

// LoadDevAuth reads the development signing key at path, creating it on first
// use, so that tokens printed once keep working across restarts.
func LoadDevAuth(path string) (*DevAuth, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		d, err := NewDevAuth()
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(d.key)})
		return d, os.WriteFile(path, pemBytes, 0o600)
	}
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("%s holds no PEM key; delete it to make a new one", path)
	}
	k, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &DevAuth{key: k}, nil
}

// Token mints a token for a user of the provider with that TIN.
func (d *DevAuth) Token(subject, tin string, ttl time.Duration) (string, error) {
	now := time.Now()
	return jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": DevIssuer, "aud": DevAudience, "sub": subject,
		"custom:tin": tin, "token_use": "id",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(ttl).Unix(),
	}).SignedString(d.key)
}

// Verify checks a token as the JWT authorizer does (signature, issuer,
// audience, expiry) and returns its claims.
func (d *DevAuth) Verify(token string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		return &d.key.PublicKey, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(DevIssuer), jwt.WithAudience(DevAudience),
		jwt.WithExpirationRequired())
	if err != nil {
		return nil, err
	}
	return claims, nil
}
