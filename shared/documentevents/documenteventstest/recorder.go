// Package documenteventstest records the document events a test's
// publisher sends. Only tests import it.
package documenteventstest

import (
	"context"
	"sync"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Recorder is a documentevents.Sender that keeps what it was given. Fail,
// if set, is asked before each send; its error fails that send.
type Recorder struct {
	mu   sync.Mutex
	sent map[string]int // by "<claim>/<upload ID>"
	ids  map[string]int // by event ID
	Fail func() error
}

func (r *Recorder) Attached(_ context.Context, eventID string, a portal.Attachment) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Fail != nil {
		if err := r.Fail(); err != nil {
			return err
		}
	}
	if r.sent == nil {
		r.sent, r.ids = map[string]int{}, map[string]int{}
	}
	r.sent[a.ClaimNumber+"/"+a.ID]++
	r.ids[eventID]++
	return nil
}

// Count is how many events announced upload id on claim.
func (r *Recorder) Count(claim, id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent[claim+"/"+id]
}

// Total is how many events were sent.
func (r *Recorder) Total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.sent {
		n += c
	}
	return n
}

// EventIDs is how many times each event ID was sent.
func (r *Recorder) EventIDs() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.ids {
		out[k] = v
	}
	return out
}
