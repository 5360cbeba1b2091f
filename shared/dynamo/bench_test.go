package dynamo

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openpayer/provider-portal/shared/portal"
)

// cannedQuery answers every Query with the same items, keeping only the
// attributes a ProjectionExpression names, as DynamoDB does: what a search
// costs this process to decode, without a network in the way.
type cannedQuery struct {
	API
	items []map[string]types.AttributeValue
}

func (c *cannedQuery) Query(_ context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	n := min(len(c.items), int(*in.Limit))
	out := &dynamodb.QueryOutput{Items: make([]map[string]types.AttributeValue, 0, n)}
	for _, it := range c.items[:n] {
		if in.ProjectionExpression != nil {
			it = project(it, *in.ProjectionExpression, in.ExpressionAttributeNames)
		}
		out.Items = append(out.Items, it)
	}
	return out, nil
}

func project(item map[string]types.AttributeValue, expr string, names map[string]string) map[string]types.AttributeValue {
	out := map[string]types.AttributeValue{}
	for _, path := range strings.Split(expr, ",") {
		parts := strings.Split(strings.TrimSpace(path), ".")
		for i, p := range parts {
			if n, ok := names[p]; ok {
				parts[i] = n
			}
		}
		v, ok := item[parts[0]]
		if !ok {
			continue
		}
		if len(parts) == 2 {
			m, _ := v.(*types.AttributeValueMemberM)
			sub, ok := m.Value[parts[1]]
			if !ok {
				continue
			}
			prev, _ := out[parts[0]].(*types.AttributeValueMemberM)
			if prev == nil {
				prev = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}
			}
			prev.Value[parts[1]] = sub
			v = prev
		}
		out[parts[0]] = v
	}
	return out
}

func benchClaim(i int) portal.Claim {
	dos := portal.MustDate("2026-10-01")
	c := portal.Claim{Number: fmt.Sprintf("CB%010d", i), Type: portal.ClaimProfessional, MemberID: "100000001",
		Patient:              portal.Patient{FirstName: "Avery", LastName: "Sample-Quinn", DateOfBirth: portal.MustDate("1984-03-07")},
		PlanID:               portal.KYMarketplace.ID,
		BillingProvider:      portal.BillingProvider{TIN: "111111111", NPI: "1111111111", Name: "Bluegrass Family Medicine"},
		PatientAccountNumber: "PA-1001", CheckNumber: "CHK-5001", ExternalReferenceNumber: "EXT-9001",
		ServiceFrom: dos, ServiceTo: dos, DateReceived: dos.AddDate(0, 0, 7), ProcessedDate: dos.AddDate(0, 0, 21),
		Status: portal.ClaimDenied, Denial: portal.DenialReason{Code: "ESC", Text: "Disallow; consent form required"},
		TotalCharged: 176000, TotalPaid: 74491, Version: 3}
	for l := 1; l <= 6; l++ {
		c.Lines = append(c.Lines, portal.ClaimLine{LineNumber: l, ServiceFrom: dos, ServiceTo: dos, ProcedureCode: "99214",
			Modifiers: []string{"25"}, Units: 1, Charged: 29333, Paid: 12415, Status: portal.ClaimDenied, Denial: c.Denial})
	}
	return c
}

// BenchmarkSearchClaims decodes a page of 25 claims with six lines each, as
// DynamoDB returns them to a member search.
func BenchmarkSearchClaims(b *testing.B) {
	api := &cannedQuery{}
	for i := range 25 {
		c := benchClaim(i)
		item, err := marshal(claimItem{Claim: c, MemberKey: IndexKey(c.Provider(), c.MemberID), UpdatedAt: "2026-11-01T00:00:00Z"})
		if err != nil {
			b.Fatal(err)
		}
		api.items = append(api.items, item)
	}
	s := &ClaimStore{DB: api, Table: "claims", Now: time.Now, Cursors: StaticCursorKey("a bench cursor key of 32 bytes or more")}
	q := portal.ClaimQuery{Provider: "111111111", Index: portal.IndexMember, Keys: []string{"100000001"},
		ReceivedFrom: portal.MustDate("2024-11-01"), Limit: 25}
	for b.Loop() {
		page, err := s.SearchClaims(context.Background(), q)
		if err != nil || len(page.Claims) != 25 {
			b.Fatalf("%d claims, %v", len(page.Claims), err)
		}
	}
}
