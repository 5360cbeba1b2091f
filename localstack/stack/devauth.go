package stack

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The local issuer and its two app clients, the portal's and the native
// apps'; template parameters JwtIssuer and JwtAudience take these values
// locally, as the authorizer accepts both clients in AWS.
const (
	DevIssuer         = "https://dev-issuer.provider-portal.local"
	DevAudience       = "provider-portal-local"
	DevNativeAudience = "provider-portal-local-native"
)

// DevAudiences are the app clients the local authorizer accepts.
var DevAudiences = []string{DevAudience, DevNativeAudience}

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

// Token mints an ID token of the portal's client for a user of the
// provider with that TIN.
func (d *DevAuth) Token(subject, tin string, ttl time.Duration) (string, error) {
	return d.IDToken(DevAudience, subject, tin, ttl)
}

// IDToken mints an ID token of client for a user of the provider with that
// TIN, as Cognito's: aud is the client, and custom:tin is in it.
func (d *DevAuth) IDToken(client, subject, tin string, ttl time.Duration) (string, error) {
	now := time.Now()
	return jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": DevIssuer, "aud": client, "sub": subject,
		"custom:tin": tin, "token_use": "id", "jti": tokenID(),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(ttl).Unix(),
	}).SignedString(d.key)
}

// AccessToken mints an access token of client, as Cognito's: no aud but
// client_id, and no custom attributes (so no TIN: the API wants the ID
// token).
func (d *DevAuth) AccessToken(client, subject string, ttl time.Duration) (string, error) {
	now := time.Now()
	return jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": DevIssuer, "client_id": client, "sub": subject, "token_use": "access", "scope": "openid email", "jti": tokenID(),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(ttl).Unix(),
	}).SignedString(d.key)
}

// Verify checks a token as the JWT authorizer does (signature, issuer,
// expiry, and an audience it lists: the aud claim, or an access token's
// client_id) and returns its claims.
func (d *DevAuth) Verify(token string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		return &d.key.PublicKey, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(DevIssuer), jwt.WithExpirationRequired())
	if err != nil {
		return nil, err
	}
	return claims, audienceIn(claims, DevAudiences)
}

// audienceIn checks a token's audience as API Gateway's JWT authorizer
// does: its aud, or an access token's client_id, must be one listed.
func audienceIn(claims jwt.MapClaims, audiences []string) error {
	aud, err := claims.GetAudience()
	if err != nil {
		return err
	}
	if client, ok := claims["client_id"].(string); ok && len(aud) == 0 {
		aud = jwt.ClaimStrings{client}
	}
	for _, a := range aud {
		if slices.Contains(audiences, a) {
			return nil
		}
	}
	return jwt.ErrTokenInvalidAudience
}

// tokenID is a token's unique jti, as Cognito's tokens carry.
func tokenID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// JWKS is the signing key as a JSON Web Key Set, as an issuer publishes it.
func (d *DevAuth) JWKS() map[string]any {
	pub := d.key.PublicKey
	return map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig",
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}
