package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// IdempotencyStore remembers the first response to each key.
type IdempotencyStore interface {
	// Begin claims key for a request with this fingerprint. It returns the
	// stored response if the key was used before with the same request;
	// IDEMPOTENCY_KEY_REUSED if with another; IDEMPOTENCY_IN_PROGRESS while
	// the first request still runs; (nil, nil) if this request is the first.
	Begin(ctx context.Context, key, fingerprint string) (*portal.SavedResponse, error)
	// Complete stores the response for key.
	Complete(ctx context.Context, key string, r portal.SavedResponse) error
	// Abandon frees key after a failure of ours, so that a retry runs again.
	Abandon(ctx context.Context, key string) error
}

// IdempotencyHeader names the header a client sets to make a POST safe to
// retry: a retry with the same key returns the first result.
const IdempotencyHeader = "Idempotency-Key"

type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }
func (r *recorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

// IdempotencyWait is how long a request waits for the first one with its
// key to finish, to answer with its result rather than "in progress": a
// client that retried on a slow answer, or sent twice at once, gets the one
// answer. It is well below the functions' timeout.
var IdempotencyWait = 5 * time.Second

// begin claims key, waiting while a request with the same key runs.
func begin(ctx context.Context, store IdempotencyStore, key, fingerprint string) (*portal.SavedResponse, error) {
	deadline := time.Now().Add(IdempotencyWait)
	pause := 25 * time.Millisecond
	for {
		stored, err := store.Begin(ctx, key, fingerprint)
		if portal.ErrorCode(err) != portal.CodeIdempotencyInProgress || time.Now().Add(pause).After(deadline) {
			return stored, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(pause):
		}
		pause = min(2*pause, 400*time.Millisecond)
	}
}

// validKey is what an Idempotency-Key may hold, as the OpenAPI document's
// pattern says: no comma (proxies split a header on commas, API Gateway's
// among them), no space (trimmed by some), nothing a log would escape.
var validKey = regexp.MustCompile(`^[A-Za-z0-9._~:-]{1,128}$`)

// Idempotent makes a POST honour Idempotency-Key. Keys are scoped to the
// caller and the route, so one provider's key never meets another's.
func Idempotent(log *slog.Logger, store IdempotencyStore, next ProviderHandler) ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller Caller) error {
		keys := r.Header.Values(IdempotencyHeader)
		if len(keys) == 0 {
			return next(w, r, caller)
		}
		// Sent empty, the header is a mistake, not "no key": the client
		// believes its retries are safe.
		key := keys[0]
		if !validKey.MatchString(key) || len(keys) > 1 {
			return &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidRequest,
				Detail: "Send one Idempotency-Key of 1 to 128 letters, digits, dots, underscores, tildes, colons or dashes (a UUID is a good key), or none.",
				Fields: map[string]string{IdempotencyHeader: "1 to 128 of A-Z a-z 0-9 . _ ~ : -, once"}}
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		if err != nil {
			return &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidJSON,
				Detail: "What was sent is too large to read, so nothing was saved.", Reason: "The request body is over 64 KiB."}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		scoped := sha256.Sum256([]byte(string(caller.Provider) + "\x00" + caller.Subject + "\x00" + r.Pattern + "\x00" + r.URL.Path + "\x00" + key))
		fp := sha256.Sum256(body)
		id, fingerprint := hex.EncodeToString(scoped[:]), hex.EncodeToString(fp[:])
		stored, err := begin(r.Context(), store, id, fingerprint)
		if err != nil {
			if portal.ErrorCode(err) == portal.CodeIdempotencyInProgress {
				w.Header().Set("Retry-After", "1")
			}
			return err
		}
		if stored != nil {
			w.Header().Set("Content-Type", stored.ContentType)
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(stored.Status)
			_, _ = w.Write(stored.Body)
			return nil
		}
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		if err := next(rec, r, caller); err != nil {
			// Written here, not by RequireProvider, so that the status is
			// known below and the key freed.
			Error(rec, r, log, err)
		}
		// Only a success is kept and replayed: it is what must not happen
		// twice. An error changed nothing, and its cause can pass (a claim
		// not yet received, a file still being checked), so a retry runs again.
		if rec.status < 200 || rec.status > 299 {
			if err := store.Abandon(r.Context(), id); err != nil {
				log.ErrorContext(r.Context(), "could not free idempotency key", "error", err.Error())
			}
			return nil
		}
		if err := store.Complete(r.Context(), id, portal.SavedResponse{Status: rec.status, ContentType: w.Header().Get("Content-Type"), Body: rec.buf.Bytes()}); err != nil {
			log.ErrorContext(r.Context(), "could not store idempotent response", "error", err.Error())
		}
		return nil
	}
}
