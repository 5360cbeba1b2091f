package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/portal"
)

// The one-open-case and duplicate-request rules hold when a form is sent
// many times at once, as a double click, a retrying client or two people at
// two desks send it: one submission wins, every other is told which one
// did, and afterwards there is one record, one guard, one letter and one
// event. With one Idempotency-Key they are one request: one record, and
// every answer the same. Each runs through the local gateway, with the
// DynamoDB emulator's transactions made atomic (TestTransactionsAreAtomic).

const burstSize, burstRounds = 20, 3

type answer struct {
	status int
	header http.Header
	body   []byte
}

// burst sends n copies of one request at once, each with an Idempotency-Key
// of its own, or every one with key if it is not empty, and checks each
// answer against the OpenAPI document.
func burst(t *testing.T, tok, method, target string, body any, n int, key string) []answer {
	t.Helper()
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = newRequest(t, tok, method, target, body)
		k := key
		if k == "" {
			k = fmt.Sprintf("burst-%d-%d", time.Now().UnixNano(), i)
		}
		reqs[i].Header.Set("Idempotency-Key", k)
	}
	out, errs := make([]answer, n), make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Go(func() {
			<-start
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			out[i], errs[i] = answer{resp.StatusCode, resp.Header, b}, err
		})
	}
	close(start)
	wg.Wait()
	for i := range out {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		checkResponse(t, reqs[i], out[i].status, out[i].header, out[i].body)
	}
	return out
}

// oneWinner checks that exactly one answer is a 201 and every other a 409
// of code naming it in its own field, and returns the winner's ID.
func oneWinner(t *testing.T, answers []answer, idField, code, field string) string {
	t.Helper()
	var winners, named []string
	for _, a := range answers {
		var v map[string]any
		if err := json.Unmarshal(a.body, &v); err != nil {
			t.Fatalf("%d %s: %v", a.status, a.body, err)
		}
		switch a.status {
		case 201:
			winners = append(winners, fmt.Sprint(v[idField]))
		case 409:
			if v["code"] != code {
				t.Errorf("a 409 of code %v, want %s: %s", v["code"], code, a.body)
			}
			named = append(named, fmt.Sprint(v[field]))
		default:
			t.Errorf("an answer of %d: %s", a.status, a.body)
		}
	}
	if len(winners) != 1 || len(named) != len(answers)-1 {
		t.Fatalf("%d answers of 201 (%v) and %d of 409, want 1 and %d", len(winners), winners, len(named), len(answers)-1)
	}
	for _, n := range named {
		if n != winners[0] {
			t.Errorf("a 409 names %s, not the winner %s", n, winners[0])
		}
	}
	return winners[0]
}

// sameAnswer checks that every answer to one key is the first one's: 201,
// with the same body, all but one replayed.
func sameAnswer(t *testing.T, answers []answer, idField string) string {
	t.Helper()
	replays := 0
	for _, a := range answers {
		if a.status != 201 || string(a.body) != string(answers[0].body) {
			t.Errorf("with one key: %d %s, the first was %d %s", a.status, a.body, answers[0].status, answers[0].body)
		}
		if a.header.Get("Idempotent-Replayed") == "true" {
			replays++
		}
	}
	if replays != len(answers)-1 {
		t.Errorf("%d replays, want %d", replays, len(answers)-1)
	}
	var v map[string]any
	if err := json.Unmarshal(answers[0].body, &v); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(v[idField])
}

// items returns the items of a stack's table, as plain values, that keep
// keeps.
func items(t *testing.T, tableID string, keep func(item map[string]any, text string) bool) []map[string]any {
	t.Helper()
	var out []map[string]any
	p := dynamodb.NewScanPaginator(local.Clients.DynamoDB, &dynamodb.ScanInput{TableName: aws.String(local.Res.Tables[tableID]), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var list []map[string]any
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &list); err != nil {
			t.Fatal(err)
		}
		for _, it := range list {
			b, _ := json.Marshal(it)
			if keep(it, string(b)) {
				out = append(out, it)
			}
		}
	}
	return out
}

func pkPrefix(it map[string]any, prefix string) bool {
	pk, _ := it["pk"].(string)
	return strings.HasPrefix(pk, prefix)
}

// onlyOne checks that exactly one item was found and that it names id.
func onlyOne(t *testing.T, what string, found []map[string]any, field, id string) {
	t.Helper()
	if len(found) != 1 || fmt.Sprint(found[0][field]) != id {
		var names []string
		for _, it := range found {
			names = append(names, fmt.Sprint(it[field]))
		}
		t.Errorf("%d %s (%v), want one, of %s", len(found), what, names, id)
	}
}

// eventsAbout returns the events about subject that were sent (bodies read
// from the queue) or are still in the table's outbox for the sweep.
func eventsAbout(t *testing.T, sent map[string]string, tableID, subject string) []string {
	t.Helper()
	var out []string
	for _, body := range sent {
		if strings.Contains(body, subject) {
			out = append(out, body)
		}
	}
	for _, it := range items(t, tableID, func(it map[string]any, text string) bool {
		return pkPrefix(it, "EVENT#") && strings.Contains(text, subject)
	}) {
		b, _ := json.Marshal(it)
		out = append(out, string(b))
	}
	return out
}

func TestOneWinnerAmongConcurrentCaseSubmissions(t *testing.T) {
	c := token(t, sampledata.ProviderC.TIN)
	appeal := func(kind string) func(string) map[string]any {
		return func(claim string) map[string]any {
			return map[string]any{"claimNumber": claim, "appealType": kind, "notes": "Sent at once from two desks.",
				"reasons": map[string]any{"new_information": map[string]any{"answer": "yes"}, "policy_misapplied": map[string]any{"answer": "no"}}}
		}
	}
	duplicate := portal.DenialReason{Code: "DUP", Text: "Duplicate of a claim already processed"}
	necessity := portal.DenialReason{Code: "MNC", Text: "Not medically necessary"}
	for _, k := range []struct {
		name, path, table string
		denial            portal.DenialReason
		form              func(claim string) map[string]any
	}{
		{"dispute", "/disputes", "DisputesTable", duplicate, benchDispute},
		{"claim appeal", "/appeals", "AppealsTable", duplicate, appeal("claim_appeal")},
		{"clinical appeal", "/appeals", "AppealsTable", necessity, appeal("clinical_appeal")},
	} {
		t.Run(k.name, func(t *testing.T) {
			claims := freshClaims(t, burstRounds+1, k.denial)
			winners := make([]string, len(claims))
			for round, claim := range claims {
				if round < burstRounds {
					winners[round] = oneWinner(t, burst(t, c, "POST", k.path, k.form(claim), burstSize, ""), "caseId", portal.CodeCaseOpen, "openCaseId")
				} else { // one key: one request
					winners[round] = sameAnswer(t, burst(t, c, "POST", k.path, k.form(claim), burstSize, fmt.Sprintf("one-key-%d", time.Now().UnixNano())), "caseId")
				}
			}
			sent := drain(t, "AppealsQueue")
			for round, claim := range claims {
				winner := winners[round]
				onlyOne(t, "cases", items(t, k.table, func(it map[string]any, _ string) bool {
					return pkPrefix(it, "CASE#") && it["claimNumber"] == claim
				}), "caseId", winner)
				onlyOne(t, "open-case guards", items(t, k.table, func(it map[string]any, _ string) bool {
					return pkPrefix(it, "OPEN#") && strings.Contains(it["pk"].(string), claim)
				}), "caseId", winner)
				onlyOne(t, "letters", items(t, "DocumentsTable", func(it map[string]any, _ string) bool {
					return it["claimNumber"] == claim
				}), "caseId", winner)
				evs := eventsAbout(t, sent, k.table, claim)
				if len(evs) != 1 || !strings.Contains(evs[0], winner) {
					t.Errorf("%d events about the claim, want one, about %s: %v", len(evs), winner, evs)
				}
			}
		})
	}
}

func TestOneWinnerAmongConcurrentDuplicateRetroAuthorizations(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	codes, winners := make([]string, burstRounds+1), make([]string, burstRounds+1)
	for round := range codes {
		// Services no other test asks for: a CPT code of this round's own.
		codes[round] = fmt.Sprintf("%05d", 20000+rand.IntN(9000))
		if round < burstRounds {
			winners[round] = oneWinner(t, burst(t, a, "POST", "/authorizations", retroRequest(codes[round]), burstSize, ""), "authorizationId",
				portal.CodeDuplicateAuthorization, "openAuthorizationId")
		} else {
			winners[round] = sameAnswer(t, burst(t, a, "POST", "/authorizations", retroRequest(codes[round]), burstSize, fmt.Sprintf("one-key-%d", time.Now().UnixNano())), "authorizationId")
		}
	}
	sent := drain(t, "UtilizationManagementQueue")
	for round, code := range codes {
		winner := winners[round]
		onlyOne(t, "requests", items(t, "AuthorizationsTable", func(it map[string]any, text string) bool {
			return pkPrefix(it, "AUTH#") && strings.Contains(text, `"code":"`+code+`"`)
		}), "authorizationId", winner)
		onlyOne(t, "open-request guards", items(t, "AuthorizationsTable", func(it map[string]any, _ string) bool {
			return pkPrefix(it, "OPEN#") && strings.Contains(it["pk"].(string), code)
		}), "authorizationId", winner)
		evs := eventsAbout(t, sent, "AuthorizationsTable", `"`+code+`"`)
		if len(evs) != 1 || !strings.Contains(evs[0], winner) {
			t.Errorf("%d events about the services, want one, about %s: %v", len(evs), winner, evs)
		}
	}
}
