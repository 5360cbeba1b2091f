package stack

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Verifier checks a bearer token as one of the HTTP API's JWT authorizers
// does and returns its claims.
type Verifier interface {
	Verify(token string) (jwt.MapClaims, error)
}

// issuerVerifier is a JWT authorizer of an issuer the stack serves itself
// (the system clients' token function): as API Gateway does, it reads
// issuer/.well-known/openid-configuration, then the jwks_uri it names, and
// keeps the keys a while, reading them again for a kid it does not know.
type issuerVerifier struct {
	issuer    string
	audiences []string
	get       func(url string) ([]byte, error)

	mu      sync.Mutex
	keys    map[string]any
	fetched time.Time
}

func (v *issuerVerifier) Verify(token string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return v.key(kid)
	}, jwt.WithValidMethods([]string{"RS256", "RS384", "RS512"}), jwt.WithIssuer(v.issuer), jwt.WithExpirationRequired())
	if err != nil {
		return nil, err
	}
	if err := audienceIn(claims, v.audiences); err != nil {
		return nil, err
	}
	return claims, nil
}

func (v *issuerVerifier) key(kid string) (any, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok := v.keys[kid]; ok && time.Since(v.fetched) < time.Hour {
		return k, nil
	}
	var discovery struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	b, err := v.get(v.issuer + "/.well-known/openid-configuration")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &discovery); err != nil || discovery.Issuer != v.issuer || discovery.JWKSURI == "" {
		return nil, fmt.Errorf("the discovery document of %s does not name it and a jwks_uri", v.issuer)
	}
	if b, err = v.get(discovery.JWKSURI); err != nil {
		return nil, err
	}
	var set struct {
		Keys []struct{ Kty, Kid, N, E string }
	}
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("the key set of %s: %w", v.issuer, err)
	}
	v.keys, v.fetched = map[string]any{}, time.Now()
	for _, k := range set.Keys {
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if k.Kty != "RSA" || errors.Join(err1, err2) != nil {
			continue
		}
		v.keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	k, ok := v.keys[kid]
	if !ok {
		return nil, jwt.ErrTokenUnverifiable
	}
	return k, nil
}

// localGet fetches a URL of the issuer: one under the portal's /api/ from
// the gateway itself, as CloudFront's /api/* behaviour reaches the API
// (the portal host may not be running: tests start only the gateway),
// anything else over HTTP.
func (g *Gateway) localGet(portalOrigin string) func(string) ([]byte, error) {
	return func(url string) ([]byte, error) {
		if path, ok := strings.CutPrefix(url, portalOrigin+"/api/"); ok {
			rec := httptest.NewRecorder()
			g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/"+path, nil))
			if rec.Code != http.StatusOK {
				return nil, fmt.Errorf("GET %s: %d", url, rec.Code)
			}
			return rec.Body.Bytes(), nil
		}
		resp, err := http.Get(url) //nolint:gosec // the template's issuer, a URL the developer configured
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	}
}
