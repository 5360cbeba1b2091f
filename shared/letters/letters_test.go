package letters_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/letters"
	"github.com/openpayer/provider-portal/shared/letters/letterstest"
	"github.com/openpayer/provider-portal/shared/portal"
)

func submittedCase(kind portal.CaseKind) *portal.Case {
	at := time.Date(2026, 11, 25, 15, 4, 0, 0, time.UTC)
	return &portal.Case{ID: "AP-7K3Q-9XH2", Kind: kind, Provider: "111111111", ClaimNumber: "C10000000002",
		ProviderName: "Bluegrass Family Médicine", SubmittedAt: &at, Status: portal.CaseReceived}
}

func TestLettersSayWhatTheCaseNeeds(t *testing.T) {
	plan := portal.KYMarketplace
	c := submittedCase(portal.CaseClaimAppeal)
	decided := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		letter *portal.Letter
		want   []string
	}{
		{"acknowledgement", plan.AcknowledgementLetter(c, c.ProviderName),
			[]string{plan.Name, "Bluegrass Family Médicine", "We received your claim appeal AP-7K3Q-9XH2", "C10000000002",
				"November 25, 2026", "Decision expected by", "January 24, 2027"}},
		{"partly overturned", plan.DecisionLetter(c, portal.CaseDecision{Outcome: portal.OutcomePartlyOverturned, DecidedAt: decided,
			Amount: 12550, Reason: "The consent form was on file for the first visit."}, decided),
			[]string{"Decision on your claim appeal AP-7K3Q-9XH2", "Partially overturned", "$125.50 will be paid",
				"Reason: The consent form was on file for the first visit.", "January 10, 2027"}},
		{"returned incomplete", plan.DecisionLetter(c, portal.CaseDecision{Outcome: portal.OutcomeReturnedIncomplete, DecidedAt: decided,
			Missing: "the signed consent form"}, decided),
			[]string{"needs more information", "We cannot decide your claim appeal until we have: the signed consent form"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := letters.Render(tc.letter)
			if err != nil {
				t.Fatal(err)
			}
			got := letterstest.Text(t, b)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("the letter does not say %q:\n%s", w, got)
				}
			}
			again, err := letters.Render(tc.letter)
			if err != nil || !bytes.Equal(again, b) {
				t.Errorf("the same letter rendered to other bytes: storing it again would change it")
			}
		})
	}
}

type files struct {
	put   map[string][]byte
	names map[string]string // the name each object downloads under
}

func (f *files) Put(_ context.Context, key, _, fileName string, body []byte) error {
	if f.put == nil {
		f.put, f.names = map[string][]byte{}, map[string]string{}
	}
	f.put[key], f.names[key] = body, fileName
	return nil
}

func (f *files) DownloadLink(_ context.Context, key, _, name string) (string, time.Time, error) {
	return "https://bucket.example/" + key + "?name=" + name, time.Now().Add(5 * time.Minute), nil
}

func TestALetterIsStoredOnceUnderItsIDOnly(t *testing.T) {
	ctx := context.Background()
	store, f := &inmem.Letters{}, &files{}
	cases := &inmem.Cases{Letters: store}
	c := submittedCase(portal.CaseDispute)
	c.ID = "DP-7K3Q-9XH2"
	c.CreatedAt = *c.SubmittedAt
	l := c.AddLetter(portal.KYMarketplace.AcknowledgementLetter(c, c.ProviderName))
	if err := cases.CreateCase(ctx, c, portal.CaseWrite{Letter: l}); err != nil {
		t.Fatal(err)
	}
	p := &letters.Publisher{Store: store, Files: f, Prefix: "letters/"}
	for range 2 {
		if err := p.Deliver(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.put) != 1 || f.put["letters/"+l.ID+".pdf"] == nil {
		t.Fatalf("stored: %v", f.put)
	}
	// Stored to download by its case and kind, not by an ID no one can read.
	if name := f.names["letters/"+l.ID+".pdf"]; name != "DP-7K3Q-9XH2 acknowledgement letter.pdf" {
		t.Errorf("stored to download as %q", name)
	}
	got, _ := store.Letter(ctx, c.Provider, l.ID)
	if got.StoredAt == nil || got.Size != int64(len(f.put["letters/"+l.ID+".pdf"])) {
		t.Errorf("the letter's record: %+v", got)
	}
	due, _ := p.Due(ctx, l.CreatedAt.Add(-time.Hour), time.Now(), 10)
	if len(due) != 0 {
		t.Errorf("a stored letter is still due: %v", due)
	}
}
