package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
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
	h := httpapi.Idempotent(slog.New(slog.NewJSONHandler(io.Discard, nil)), store, func(w http.ResponseWriter, r *http.Request, c httpapi.Caller) error {
		httpapi.Encode(w, answers[runs], map[string]int{"run": runs})
		runs++
		return nil
	})
	caller := httpapi.Caller{Subject: "u", Provider: "111111111"}
	post := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/uploads", strings.NewReader(`{"fileName":"a.pdf","size":1}`))
		req.Header.Set(httpapi.IdempotencyHeader, "key-1")
		w := httptest.NewRecorder()
		serve(h, w, req, caller)
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
		func(w http.ResponseWriter, r *http.Request, c httpapi.Caller) error {
			runs++
			w.WriteHeader(http.StatusCreated)
			return nil
		})
	for name, keys := range map[string][]string{"empty": {""}, "too long": {strings.Repeat("k", 129)}, "twice": {"a", "b"}, "none": nil, "fine": {"k"},
		"a comma": {"a,b"}, "blank": {"   "}, "a space": {"a b"}, "a UUID": {"0b6a3f0e-6f8e-4d2a-9c1e-3b2f6a7d8e9f"}, "128": {strings.Repeat("k", 128)},
		"not ASCII": {"clé"}} {
		req := httptest.NewRequest("POST", "/uploads", strings.NewReader(`{}`))
		for _, k := range keys {
			req.Header.Add(httpapi.IdempotencyHeader, k)
		}
		w := httptest.NewRecorder()
		before := runs
		serve(h, w, req, httpapi.Caller{Subject: "u", Provider: "111111111"})
		ok := name == "none" || name == "fine" || name == "a UUID" || name == "128"
		if ok != (w.Code == http.StatusCreated) || ok != (runs > before) {
			t.Errorf("%s: %d, ran %v", name, w.Code, runs > before)
		}
		if !ok && !strings.Contains(w.Body.String(), "INVALID_REQUEST") {
			t.Errorf("%s: %s", name, w.Body)
		}
	}
}

// Requests sent at once with one key run the handler once: the others wait
// for the first to finish and replay its answer, byte for byte. One that
// waits longer than IdempotencyWait is told to retry, with Retry-After.
func TestConcurrentRequestsWithOneKeyGetTheOneAnswer(t *testing.T) {
	store := &inmem.Idempotency{TTL: time.Hour}
	var runs atomic.Int32
	release := make(chan struct{})
	h := httpapi.Idempotent(slog.New(slog.NewJSONHandler(io.Discard, nil)), store, func(w http.ResponseWriter, r *http.Request, c httpapi.Caller) error {
		n := runs.Add(1)
		<-release
		httpapi.Encode(w, http.StatusCreated, map[string]int32{"run": n})
		return nil
	})
	caller := httpapi.Caller{Subject: "u", Provider: "111111111"}
	const n = 10
	answers := make([]*httptest.ResponseRecorder, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req := httptest.NewRequest("POST", "/disputes", strings.NewReader(`{"claimNumber":"C1"}`))
			req.Header.Set(httpapi.IdempotencyHeader, "same-key")
			answers[i] = httptest.NewRecorder()
			serve(h, answers[i], req, caller)
		})
	}
	for runs.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // the others are waiting now
	close(release)
	wg.Wait()
	if runs.Load() != 1 {
		t.Fatalf("the handler ran %d times", runs.Load())
	}
	replays := 0
	for i, a := range answers {
		if a.Code != 201 || a.Body.String() != "{\"run\":1}\n" {
			t.Errorf("answer %d: %d %s", i, a.Code, a.Body)
		}
		if a.Header().Get("Idempotent-Replayed") == "true" {
			replays++
		}
	}
	if replays != n-1 {
		t.Errorf("%d replays, want %d", replays, n-1)
	}

	wait := httpapi.IdempotencyWait
	httpapi.IdempotencyWait = 200 * time.Millisecond
	defer func() { httpapi.IdempotencyWait = wait }()
	stuck := httpapi.Idempotent(slog.New(slog.NewJSONHandler(io.Discard, nil)), store, func(w http.ResponseWriter, r *http.Request, c httpapi.Caller) error {
		<-r.Context().Done()
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan struct{})
	go func() {
		defer close(first)
		req := httptest.NewRequestWithContext(ctx, "POST", "/disputes", strings.NewReader(`{}`))
		req.Header.Set(httpapi.IdempotencyHeader, "slow-key")
		serve(stuck, httptest.NewRecorder(), req, caller)
	}()
	time.Sleep(50 * time.Millisecond)
	req := httptest.NewRequest("POST", "/disputes", strings.NewReader(`{}`))
	req.Header.Set(httpapi.IdempotencyHeader, "slow-key")
	w := httptest.NewRecorder()
	serve(stuck, w, req, caller)
	cancel()
	<-first
	if w.Code != 409 || !strings.Contains(w.Body.String(), "IDEMPOTENCY_IN_PROGRESS") || w.Header().Get("Retry-After") != "1" {
		t.Errorf("a request behind a stuck one: %d %v %s", w.Code, w.Header(), w.Body)
	}
}

// serve runs h as RequireProvider does: an error it returns is answered as
// a problem.
func serve(h httpapi.ProviderHandler, w http.ResponseWriter, r *http.Request, caller httpapi.Caller) {
	if err := h(w, r, caller); err != nil {
		httpapi.Error(w, r, slog.New(slog.NewJSONHandler(io.Discard, nil)), err)
	}
}
