// Package openapi holds the API's OpenAPI 3.1 document, the one description
// of every route, and serves it.
package openapi

import (
	_ "embed"
	"net/http"
)

// Document is the OpenAPI document, as YAML.
//
//go:embed openapi.yaml
var Document []byte

// Handler serves the document.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(Document)
	})
}
