package templatecheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/openpayer/provider-portal/localstack/stack"
)

// Every Cognito app client is public and uses the authorization code with
// PKCE only, and the API's authorizer accepts exactly the stack's clients:
// the portal's and the native apps'. The native client revokes its
// refresh tokens at sign-out and keeps them a working day at most, and its
// redirect URIs are the local issuer's, so that what a mobile team tries
// locally is what Cognito will take.
func TestAppClientsAndTheAuthorizer(t *testing.T) {
	res := load(t)
	clients := ofType(res, "AWS::Cognito::UserPoolClient")
	if !slices.Contains(clients, "PortalUserPoolClient") || !slices.Contains(clients, "NativeAppClient") {
		t.Fatalf("app clients %v, want the portal's and the native apps'", clients)
	}
	for _, id := range clients {
		p := get(res[id], "Properties")
		if text(get(p, "GenerateSecret")) != "false" || strings.Join(scalars(get(p, "AllowedOAuthFlows")), ",") != "code" {
			t.Errorf("%s: a secret, or a flow other than the authorization code", id)
		}
		if slices.ContainsFunc(scalars(get(p, "WriteAttributes")), func(a string) bool { return strings.HasPrefix(a, "custom:") }) {
			t.Errorf("%s may write a custom attribute (custom:tin)", id)
		}
	}
	native := get(res["NativeAppClient"], "Properties")
	if text(get(native, "EnableTokenRevocation")) != "true" || text(get(native, "RefreshTokenValidity")) != "12" ||
		text(get(native, "TokenValidityUnits", "RefreshToken")) != "hours" {
		t.Errorf("the native client's refresh tokens: revocation %s, validity %s %s", text(get(native, "EnableTokenRevocation")),
			text(get(native, "RefreshTokenValidity")), text(get(native, "TokenValidityUnits", "RefreshToken")))
	}
	if text(get(native, "CallbackURLs")) != "!Ref NativeAppRedirectUris" {
		t.Errorf("the native client's callback URLs are not NativeAppRedirectUris")
	}

	audience := get(res["HttpApi"], "Properties", "Auth", "Authorizers", "ProviderJwt", "JwtConfiguration", "audience")
	var stackClients []string
	for _, n := range audience.Content { // !If [OwnIssuer, !Ref JwtAudience, [...]]
		if n.Kind == yaml.SequenceNode {
			stackClients = scalars(n)
		}
	}
	if !slices.Equal(stackClients, []string{"!Ref PortalUserPoolClient", "!Ref NativeAppClient"}) {
		t.Errorf("the authorizer accepts %v, want the portal's and the native apps' clients", stackClients)
	}

	b, err := os.ReadFile(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Parameters map[string]struct {
			Default string `yaml:"Default"`
		} `yaml:"Parameters"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Parameters["NativeAppRedirectUris"].Default; got != strings.Join(stack.DefaultNativeRedirects, ",") {
		t.Errorf("NativeAppRedirectUris defaults to %q; the local issuer lists %v", got, stack.DefaultNativeRedirects)
	}
}
