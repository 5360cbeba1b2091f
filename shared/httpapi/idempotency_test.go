package httpapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/inmem"
)

// Only a success is replayed: an error changed nothing and its cause can
// pass, so the retry runs again.
func TestOnlySuccessIsReplayed(t *testing.T) {
	store := &inmem.Idempotency{TTL: time.Hour}
	answers := []int{http.StatusConflict, http.StatusInternalServerError, http.StatusCreated, http.StatusTeapot}
	runs := 0
	h := httpapi.Idempotent(slog.New(slog.NewJSONHandler(io.Discard, nil)), store, func(w http.ResponseWriter, r *http.Request, c httpapi.Caller) {
		httpapi.Encode(w, answers[runs], map[string]int{"run": runs})
		runs++
	})
	caller := httpapi.Caller{Subject: "u", Provider: "111111111"}
	post := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/uploads", strings.NewReader(`{"fileName":"a.pdf","size":1}`))
		req.Header.Set(httpapi.IdempotencyHeader, "key-1")
		w := httptest.NewRecorder()
		h(w, req, caller)
		return w
	}
	for i, want := range []int{409, 500, 201, 201} {
		if w := post(); w.Code != want {
			t.Errorf("call %d: %d %s, want %d", i+1, w.Code, w.Body, want)
		}
	}
	if runs != 3 {
		t.Errorf("the handler ran %d times, want 3: after the success, the key replays it", runs)
	}
	if w := post(); w.Header().Get("Idempotent-Replayed") != "true" || !strings.Contains(w.Body.String(), `"run":2`) {
		t.Errorf("the replay: %v %s", w.Header(), w.Body)
	}
}

// A key sent empty, too long or twice is refused: the client believes its
// retries are safe, and running without a key would make them unsafe.
func TestMalformedKeysAreRefused(t *testing.T) {
	runs := 0
	h := httpapi.Idempotent(slog.New(slog.NewJSONHandler(io.Discard, nil)), &inmem.Idempotency{TTL: time.Hour},
		func(w http.ResponseWriter, r *http.Request, c httpapi.Caller) {
			runs++
			w.WriteHeader(http.StatusCreated)
		})
	for name, keys := range map[string][]string{"empty": {""}, "too long": {strings.Repeat("k", 129)}, "twice": {"a", "b"}, "none": nil, "fine": {"k"}} {
		req := httptest.NewRequest("POST", "/uploads", strings.NewReader(`{}`))
		for _, k := range keys {
			req.Header.Add(httpapi.IdempotencyHeader, k)
		}
		w := httptest.NewRecorder()
		before := runs
		h(w, req, httpapi.Caller{Subject: "u", Provider: "111111111"})
		ok := name == "none" || name == "fine"
		if ok != (w.Code == http.StatusCreated) || ok != (runs > before) {
			t.Errorf("%s: %d, ran %v", name, w.Code, runs > before)
		}
		if !ok && !strings.Contains(w.Body.String(), "INVALID_REQUEST") {
			t.Errorf("%s: %s", name, w.Body)
		}
	}
}
