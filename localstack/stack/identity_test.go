package stack_test

import (
	"slices"
	"testing"
)

// Every scope in the API rests on the token's custom:tin: the template's
// user pool makes it immutable, no app client may write it, and the API's
// authorizer trusts that pool unless an issuer of one's own is named.
func TestUsersCannotChangeTheirTIN(t *testing.T) {
	_, tmpl := repoTemplate(t)
	pools := tmpl.ResourcesOfType("AWS::Cognito::UserPool")
	if len(pools) != 1 {
		t.Fatalf("%d user pools, want the providers' one", len(pools))
	}
	var pool struct {
		AdminCreateUserConfig struct {
			AllowAdminCreateUserOnly bool `yaml:"AllowAdminCreateUserOnly"`
		} `yaml:"AdminCreateUserConfig"`
		Schema []struct {
			Name    string `yaml:"Name"`
			Mutable *bool  `yaml:"Mutable"`
		} `yaml:"Schema"`
	}
	props := tmpl.Resources[pools[0]].Properties
	if err := props.Decode(&pool); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(pool.Schema, func(a struct {
		Name    string `yaml:"Name"`
		Mutable *bool  `yaml:"Mutable"`
	}) bool {
		return a.Name == "tin"
	})
	if i < 0 || pool.Schema[i].Mutable == nil || *pool.Schema[i].Mutable {
		t.Errorf("the pool's tin attribute must be declared Mutable: false: %+v", pool.Schema)
	}
	if !pool.AdminCreateUserConfig.AllowAdminCreateUserOnly {
		t.Error("users must be created by an administrator, who sets their TIN")
	}
	clients := tmpl.ResourcesOfType("AWS::Cognito::UserPoolClient")
	if len(clients) == 0 {
		t.Fatal("no app client")
	}
	for _, id := range clients {
		var c struct {
			WriteAttributes []string `yaml:"WriteAttributes"`
		}
		props := tmpl.Resources[id].Properties
		if err := props.Decode(&c); err != nil {
			t.Fatal(err)
		}
		// Without WriteAttributes, a client may write every attribute.
		if c.WriteAttributes == nil || slices.Contains(c.WriteAttributes, "custom:tin") {
			t.Errorf("%s may write custom:tin: WriteAttributes %v", id, c.WriteAttributes)
		}
	}
}
