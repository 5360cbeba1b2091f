package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/portal"
)

// SeedAuthorizations submits the sample retro authorization requests as
// provider A, through the gateway, and posts each its decision on the
// decisions queue, as utilization management would: a request in every
// status. It returns the requests' IDs by status.
func (l *Local) SeedAuthorizations(ctx context.Context, auth *DevAuth, today portal.Date) (map[portal.AuthStatus]string, error) {
	tok, err := auth.Token("sample-data", sampledata.ProviderA.TIN, time.Hour)
	if err != nil {
		return nil, err
	}
	ids := map[portal.AuthStatus]string{}
	var decisions [][]byte
	for _, s := range sampledata.Authorizations(today) {
		var out struct{ AuthorizationID string }
		if err := l.post(ctx, tok, "/authorizations", s.Body, http.StatusCreated, &out); err != nil {
			return nil, fmt.Errorf("sample authorization: %w", err)
		}
		status := s.Decision
		if status == "" {
			status = portal.AuthReceived
		} else {
			decisions = append(decisions, sampledata.Decision(out.AuthorizationID, s.Decision, sampledata.RetroDate(today), time.Now()))
		}
		ids[status] = out.AuthorizationID
	}
	return ids, l.sendAndWait(ctx, "AuthorizationDecisionsQueue", decisions)
}

// SeedCases files provider C's sample disputes and appeals through the
// gateway, withdraws one, and posts the appeals system's messages on the
// case-decisions queue: a case in every status, with its letters. It
// returns the cases' IDs by status.
func (l *Local) SeedCases(ctx context.Context, auth *DevAuth) (map[portal.CaseStatus]string, error) {
	tok, err := auth.Token("sample-data", sampledata.ProviderC.TIN, time.Hour)
	if err != nil {
		return nil, err
	}
	ids := map[portal.CaseStatus]string{}
	var decisions [][]byte
	for _, c := range sampledata.Cases() {
		var out struct{ CaseID string }
		if err := l.post(ctx, tok, c.Path, c.Body, http.StatusCreated, &out); err != nil {
			return nil, fmt.Errorf("sample case: %w", err)
		}
		if c.Withdraw {
			if err := l.post(ctx, tok, c.Path+"/"+out.CaseID+"/withdraw", nil, http.StatusOK, nil); err != nil {
				return nil, fmt.Errorf("sample case: %w", err)
			}
		}
		if c.Outcome != "" {
			decisions = append(decisions, sampledata.CaseDecision(out.CaseID, c.Outcome, time.Now()))
		}
		ids[c.Status] = out.CaseID
	}
	return ids, l.sendAndWait(ctx, "CaseDecisionsQueue", decisions)
}

// post sends a request through the gateway as the token's provider and
// decodes the answer into out, if it has the status wanted.
func (l *Local) post(ctx context.Context, tok, path string, body any, want int, out any) error {
	var r *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	} else {
		r = bytes.NewReader(nil)
	}
	req := httptest.NewRequestWithContext(ctx, "POST", path, r)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	l.Wired.Gateway.ServeHTTP(rec, req)
	if rec.Code != want || (out != nil && json.Unmarshal(rec.Body.Bytes(), out) != nil) {
		return fmt.Errorf("POST %s: %d %s", path, rec.Code, rec.Body)
	}
	return nil
}

// sendAndWait puts messages on one of the stack's queues and waits until
// its consumer has taken them all.
func (l *Local) sendAndWait(ctx context.Context, queueID string, messages [][]byte) error {
	url, ok := l.Res.Queues[queueID]
	if !ok {
		return fmt.Errorf("no queue %s", queueID)
	}
	for _, m := range messages {
		if _, err := l.Clients.SQS.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(string(m))}); err != nil {
			return err
		}
	}
	return WaitIdle(ctx, l.Clients.SQS, url, 30*time.Second)
}

// SeedSystemClients registers the sample systems (sampledata.SystemClients)
// in the stack's system clients table, their keys kept in the stack's
// state folder, and returns them with their keys.
func (l *Local) SeedSystemClients(ctx context.Context) ([]sampledata.SystemClient, error) {
	clients, err := sampledata.SystemClients(filepath.Join(l.dir, "system-clients"))
	if err != nil {
		return nil, fmt.Errorf("sample system clients: %w", err)
	}
	store := &dynamo.SystemClientStore{DB: l.Clients.DynamoDB, Table: l.Res.Tables["SystemClientsTable"]}
	for _, c := range clients {
		if err := store.RegisterSystemClient(ctx, c.SystemClient); err != nil {
			return nil, fmt.Errorf("register %s: %w", c.ID, err)
		}
	}
	return clients, nil
}
