// Package casedecisions applies the plan's appeals system's messages to
// disputes and appeals: in review, upheld, overturned, partially overturned
// with the amount, returned as incomplete with what is missing. Each
// applies once, with its letter's record written in the same transaction
// (its PDF is rendered by the case-events sweep or the first download); a
// duplicate, or one older than what was applied (an acknowledgement that
// arrives after the decision), changes nothing; a malformed one goes to the
// dead-letter queue with its reason. Each decision reports the days it
// took and whether it overturned, by case kind: the figures CMS-0057-F asks
// payers to publish.
package casedecisions

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/emf"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// Cases applies changes to one kind's cases for the plan.
type Cases interface {
	ApplyToCase(ctx context.Context, id string, change portal.CaseChange) (*portal.Case, bool, error)
}

// DeadLetters parks a message that can never be applied, with its reason.
type DeadLetters interface {
	Park(ctx context.Context, body, sourceMessageID, code, reason string) error
}

// Deps are the function's collaborators.
type Deps struct {
	Log         *slog.Logger
	Disputes    Cases
	Appeals     Cases
	DeadLetters DeadLetters
	Plan        portal.Plan
	// Metrics receives one embedded-metric line per decision; Stack is its
	// dimension beside the case kind.
	Metrics io.Writer
	Stack   string
	Now     func() time.Time
}

// Handler is the case-decisions function.
type Handler struct{ d Deps }

// New returns the case-decisions function.
func New(d Deps) *Handler { return &Handler{d: d} }

// Handle applies a batch, one message at a time; one that failed for a
// passing cause is reported for retry.
func (h *Handler) Handle(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
	return sqs.EachMessage(ctx, batch, 1, h.apply), nil
}

func (h *Handler) park(ctx context.Context, msg events.SQSMessage, pe *portal.Error) error {
	return sqs.Reject(ctx, h.d.Log, h.d.DeadLetters, "case decision", msg, pe)
}

func (h *Handler) apply(ctx context.Context, msg events.SQSMessage) error {
	d, err := portal.ParseCaseDecision([]byte(msg.Body))
	var pe *portal.Error
	if errors.As(err, &pe) {
		return h.park(ctx, msg, pe)
	}
	store := h.d.Appeals
	if portal.FamilyOf(d.CaseID) == portal.Disputes {
		store = h.d.Disputes
	}
	now := h.d.Now().UTC()
	c, applied, err := store.ApplyToCase(ctx, d.CaseID, func(c *portal.Case) (*portal.CaseWrite, error) {
		if changed, err := c.Decide(*d, now); err != nil || !changed {
			return nil, err
		}
		w := &portal.CaseWrite{Release: c.Status.Final()}
		if d.Outcome != portal.OutcomeAcknowledged {
			w.Letter = c.AddLetter(h.d.Plan.DecisionLetter(c, *d, now))
		}
		return w, nil
	})
	if errors.As(err, &pe) && pe.Code == portal.CodeCaseNotFound {
		return h.park(ctx, msg, portal.Errorf(portal.KindNotFound, pe.Code, "decision for a case the portal does not have"))
	}
	if errors.As(err, &pe) && pe.Code == portal.CodeInvalidOutcome {
		return h.park(ctx, msg, pe)
	}
	if err != nil {
		h.d.Log.ErrorContext(ctx, "case decision failed; will retry", "messageId", msg.MessageId, "error", err.Error())
		return err
	}
	h.d.Log.InfoContext(ctx, "case decision", "messageId", msg.MessageId, "caseId", c.ID, "decisionId", d.DecisionID,
		"outcome", string(d.Outcome), "applied", applied, "now", string(c.Status))
	if applied && c.Status == portal.CaseDecided {
		return h.metrics(c, *d)
	}
	return nil
}

// metrics reports a decision: the days from receipt to decision, and
// whether it overturned (its average is the share overturned).
func (h *Handler) metrics(c *portal.Case, d portal.CaseDecision) error {
	if h.d.Metrics == nil || c.SubmittedAt == nil {
		return nil
	}
	overturned := 0
	if d.Outcome == portal.OutcomeOverturned || d.Outcome == portal.OutcomePartlyOverturned {
		overturned = 1
	}
	days := d.DecidedAt.Sub(*c.SubmittedAt).Hours() / 24
	line := map[string]any{"Stack": h.d.Stack, "CaseKind": string(c.Kind), "DecisionDays": max(days, 0), "Overturned": overturned}
	aws := emf.Attr(h.d.Now(), emf.Directive{Dimensions: []string{"Stack", "CaseKind"}, Metrics: []emf.Metric{
		{Name: "DecisionDays", Unit: "None"}, {Name: "Overturned", Unit: "Count"},
	}})
	line[aws.Key] = aws.Value.Any()
	b, err := json.Marshal(line)
	if err != nil {
		return err
	}
	_, err = h.d.Metrics.Write(append(b, '\n'))
	return err
}
