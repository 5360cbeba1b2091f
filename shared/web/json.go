package web

import (
	"encoding/json"
	"net/http"
)

// Encode writes v as JSON with the given status. Responses hold PHI, so no
// cache may keep them.
func Encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
