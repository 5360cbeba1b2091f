package claims_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/claims"
	"github.com/openpayer/provider-portal/shared/httpapi/httpapitest"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/portal"
)

// benchAPI serves the claims API over in-memory stores holding, besides
// the sample data, n claims with six lines each for member Avery.
func benchAPI(b *testing.B, n int) func(target string) events.APIGatewayV2HTTPResponse {
	send := httpapitest.NewWithBody(b, benchHandler(b, n))
	return func(target string) events.APIGatewayV2HTTPResponse {
		method, body := "GET", ""
		if target == "/claims/search" { // the criteria in the body
			method, body = "POST", `{"lastName":"Sample-Quinn","firstName":"Avery","dateOfBirth":"1984-03-07"}`
		}
		resp := send(method, target, body, providerA)
		if resp.StatusCode != 200 {
			b.Fatalf("%s: %d %s", target, resp.StatusCode, resp.Body)
		}
		return resp
	}
}

func benchHandler(b *testing.B, n int) http.Handler {
	ctx := context.Background()
	set := sampledata.New(today)
	store, members := &inmem.Claims{}, &inmem.Members{}
	for i := range set.Members {
		if _, err := members.UpsertMember(ctx, &set.Members[i]); err != nil {
			b.Fatal(err)
		}
	}
	for i := range n {
		c := set.Claims[0]
		c.Number, c.DateReceived = fmt.Sprintf("CB%010d", i), today.AddDate(0, 0, -i)
		for l := 2; l <= 6; l++ {
			line := c.Lines[0]
			line.LineNumber = l
			c.Lines = append(c.Lines, line)
		}
		if _, err := store.UpsertClaim(ctx, &c); err != nil {
			b.Fatal(err)
		}
	}
	return claims.New(claims.Deps{Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Claims: store, Members: members,
		Searches: &inmem.SearchAllowance{}, Plan: portal.KYMarketplace, Now: func() time.Time { return today.Time() }})
}

// BenchmarkSearch is a page of 25 claims found by member info, through the
// handler: parsing, the member lookup, the search and the response.
func BenchmarkSearch(b *testing.B) {
	invoke := benchAPI(b, 60)
	q := url.Values{"lastName": {"Sample-Quinn"}, "firstName": {"Avery"}, "dateOfBirth": {"1984-03-07"}}.Encode()
	for b.Loop() {
		invoke("/claims?" + q)
	}
}

// BenchmarkSearchByPost is BenchmarkSearch with the criteria in a JSON
// body (POST /claims/search): what the strict decode adds.
func BenchmarkSearchByPost(b *testing.B) {
	invoke := benchAPI(b, 60)
	for b.Loop() {
		invoke("/claims/search")
	}
}

// BenchmarkDetail is one claim's detail through the handler.
func BenchmarkDetail(b *testing.B) {
	invoke := benchAPI(b, 60)
	for b.Loop() {
		invoke("/claims/CB0000000007")
	}
}
