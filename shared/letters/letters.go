// Package letters is Provider Documents: the acknowledgement and decision
// letters of disputes and appeals, rendered as PDFs by the portal, stored
// encrypted in the documents bucket, listed for the provider and downloaded
// through short-lived links that name only the letter's ID.
package letters

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

// Store keeps letters. Letter and Letters see only the provider's own.
type Store interface {
	Get(ctx context.Context, id string) (*portal.Letter, error)
	Letter(ctx context.Context, provider portal.ProviderID, id string) (*portal.Letter, error)
	Letters(ctx context.Context, q portal.LetterQuery) ([]portal.Letter, string, error)
	DueLetters(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error)
	LetterStored(ctx context.Context, id string, size int64, at time.Time) error
}

// Files stores rendered letters and links to them.
type Files interface {
	Put(ctx context.Context, key, contentType, fileName string, body []byte) error
	DownloadLink(ctx context.Context, key, versionID, fileName string) (string, time.Time, error)
}

// Publisher renders and stores letters: at once, after the write that
// recorded one, and by the letters sweep for any that failed. It is an
// outbox.Source.
type Publisher struct {
	Store  Store
	Files  Files
	Prefix string // where letters are stored in the bucket
	Now    func() time.Time
}

// Key is a letter's object key: its ID only.
func (p *Publisher) Key(id string) string { return p.Prefix + id + ".pdf" }

// Due lists letters not stored yet, written from from to to.
func (p *Publisher) Due(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	return p.Store.DueLetters(ctx, from, to, limit)
}

// Deliver renders and stores a letter, unless it is stored already.
func (p *Publisher) Deliver(ctx context.Context, id string) error {
	l, err := p.Store.Get(ctx, id)
	if err != nil || l == nil || l.StoredAt != nil {
		return err
	}
	_, err = p.store(ctx, l)
	return err
}

func (p *Publisher) store(ctx context.Context, l *portal.Letter) (*portal.Letter, error) {
	b, err := Render(l)
	if err != nil {
		return nil, err
	}
	if err := p.Files.Put(ctx, p.Key(l.ID), "application/pdf", l.FileName(), b); err != nil {
		return nil, err
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	at := now().UTC()
	if err := p.Store.LetterStored(ctx, l.ID, int64(len(b)), at); err != nil {
		return nil, err
	}
	l.StoredAt, l.Size = &at, int64(len(b))
	return l, nil
}

// Deps are the Provider Documents API's collaborators.
type Deps struct {
	Log       *slog.Logger
	Publisher *Publisher
	Now       func() time.Time
}

// New returns the Provider Documents API.
func New(d Deps) http.Handler {
	rs := httpapi.NewRoutes(d.Log, nil)
	rs.Handle("GET /documents", handleList(d))
	rs.Handle("GET /documents/{documentId}", handleGet(d))
	return rs.Handler()
}

// letterView is what a provider sees of a letter in the list.
type letterView struct {
	ID              string            `json:"documentId"`
	Type            portal.LetterType `json:"type"`
	Title           string            `json:"title"`
	CaseID          string            `json:"caseId"`
	CaseKind        portal.CaseKind   `json:"caseKind"`
	ClaimNumber     string            `json:"claimNumber,omitempty"`
	AuthorizationID string            `json:"authorizationId,omitempty"`
	CreatedAt       time.Time         `json:"createdAt"`
	Ready           bool              `json:"ready"`
	Size            int64             `json:"size,omitempty"`
}

func view(l *portal.Letter) letterView {
	return letterView{ID: l.ID, Type: l.Type, Title: Title(l), CaseID: l.CaseID, CaseKind: l.CaseKind, ClaimNumber: l.ClaimNumber,
		AuthorizationID: l.AuthorizationID, CreatedAt: l.CreatedAt, Ready: l.StoredAt != nil, Size: l.Size}
}

func handleList(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		q := r.URL.Query()
		f := portal.Problems{}
		lq := portal.LetterQuery{Provider: caller.Provider, Type: portal.LetterType(q.Get("type")), Window: httpapi.Window(q, portal.DateOf(d.Now()), f)}
		if q.Has("type") && !portal.ValidLetterType(lq.Type) {
			f.Set("type", portal.SayLetterType)
		}
		if err := f.Err(); err != nil {
			return err
		}
		list, next, err := d.Publisher.Store.Letters(r.Context(), lq)
		if err != nil {
			return err
		}
		out := struct {
			Documents  []letterView `json:"documents"`
			NextCursor string       `json:"nextCursor,omitempty"`
		}{Documents: []letterView{}, NextCursor: next}
		var ids []string
		for i := range list {
			out.Documents = append(out.Documents, view(&list[i]))
			ids = append(ids, list[i].ID)
		}
		httpapi.Audit(r, d.Log, caller, "documents.list", ids...)
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	}
}

func handleGet(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		p := d.Publisher
		l, err := p.Store.Letter(r.Context(), caller.Provider, r.PathValue("documentId"))
		if err != nil {
			return err
		}
		if l.StoredAt == nil {
			// Not stored yet (it is, within a second of the change, unless
			// that failed): store it now rather than make the provider wait
			// for the sweep.
			if l, err = p.store(r.Context(), l); err != nil {
				return err
			}
		}
		// Named by its case and kind, which hold no PHI: letters stored
		// before they carried their name download under it too.
		link, expires, err := p.Files.DownloadLink(r.Context(), p.Key(l.ID), "", l.FileName())
		if err != nil {
			return err
		}
		httpapi.Audit(r, d.Log, caller, "documents.read", l.ID)
		httpapi.Encode(w, http.StatusOK, struct {
			letterView
			DownloadURL string    `json:"downloadUrl"`
			ExpiresAt   time.Time `json:"expiresAt"`
		}{view(l), link, expires})
		return nil
	}
}
