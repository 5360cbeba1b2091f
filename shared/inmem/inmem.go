// Package inmem keeps the portal's aggregates in memory, with the same
// behaviour as the DynamoDB stores: the same scoping, conditions and errors.
// The contract tests in shared/storetest hold both to it. Unit tests of the
// workflows use these stores; nothing in production does.
package inmem

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// base is what every store has: a lock, a clock and a fault hook.
type base struct {
	mu sync.Mutex
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// Fault, if set, is called with the operation's name before each call;
	// an error it returns is returned as a passing failure would be (a
	// throttle, a timeout), before anything is read or written.
	Fault func(op string) error
}

func (b *base) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b *base) fault(op string) error {
	if b.Fault != nil {
		return b.Fault(op)
	}
	return nil
}

// cursor is where a search stopped: how many results it has shown, tied
// to the query it was issued for.
type cursor struct {
	Offset int    `json:"o"`
	Query  string `json:"q"`
}

func fingerprint(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c) // a struct of ints and strings always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, query string) (cursor, error) {
	if s == "" {
		return cursor{Query: query}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, portal.ErrInvalidCursor()
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Query != query || c.Offset < 0 {
		return cursor{}, portal.ErrInvalidCursor()
	}
	return c, nil
}

// page is one page of all (sorted as listed), limit at a time from the
// cursor cur issued for query, and the next page's cursor; empty on the
// last page.
func page[T any](all []T, limit int, cur, query string) ([]T, string, error) {
	c, err := decodeCursor(cur, query)
	if err != nil {
		return nil, "", err
	}
	offset := min(c.Offset, len(all))
	end := min(offset+limit, len(all))
	next := ""
	if end < len(all) {
		next = cursor{Offset: end, Query: query}.encode()
	}
	return all[offset:end], next, nil
}

// upserted is what a feed write found when stored was at least sent.
func upserted(stored, sent int64) portal.Upserted {
	if stored == sent {
		return portal.Repeated
	}
	return portal.Stale
}
