package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/openpayer/provider-portal/localstack/sampledata"
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
		b, err := json.Marshal(s.Body)
		if err != nil {
			return nil, err
		}
		req := httptest.NewRequestWithContext(ctx, "POST", "/authorizations", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		l.Wired.Gateway.ServeHTTP(rec, req)
		var out struct{ AuthorizationID string }
		if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
			return nil, fmt.Errorf("sample authorization: %d %s", rec.Code, rec.Body)
		}
		status := s.Decision
		if status == "" {
			status = portal.AuthReceived
		} else {
			decisions = append(decisions, sampledata.Decision(out.AuthorizationID, s.Decision, sampledata.RetroDate(today), time.Now()))
		}
		ids[status] = out.AuthorizationID
	}
	url, ok := l.Res.Queues["AuthorizationDecisionsQueue"]
	if !ok {
		return nil, fmt.Errorf("no decisions queue")
	}
	for _, d := range decisions {
		if _, err := l.Clients.SQS.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(string(d))}); err != nil {
			return nil, err
		}
	}
	return ids, WaitIdle(ctx, l.Clients.SQS, url, 30*time.Second)
}
