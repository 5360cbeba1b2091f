package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openpayer/provider-portal/shared/portal"
)

// ScanAPI is the one operation the reports use.
type ScanAPI interface {
	Scan(ctx context.Context, in *dynamodb.ScanInput, opts ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// Reports reads every provider's requests and appeals for the plan's
// reports, by Scan: the prior authorization metrics job runs it once a day;
// no API route does.
type Reports struct {
	DB             ScanAPI
	Authorizations string // AUTHORIZATIONS_TABLE
	Appeals        string // APPEALS_TABLE
}

// DecidedAuthorizations lists the requests decided from from to to (a day
// either side: the caller keeps those it counts).
func (s *Reports) DecidedAuthorizations(ctx context.Context, from, to time.Time) ([]portal.Authorization, error) {
	var out []portal.Authorization
	err := s.scan(ctx, &dynamodb.ScanInput{TableName: &s.Authorizations,
		FilterExpression:         aws.String("sk = :auth AND #d.#t BETWEEN :from AND :to"),
		ExpressionAttributeNames: map[string]string{"#d": "decision", "#t": "decidedAt"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":auth": str("AUTH"),
			":from": str(from.UTC().AddDate(0, 0, -1).Format(time.RFC3339)), ":to": str(to.UTC().AddDate(0, 0, 1).Format(time.RFC3339))},
	}, func(item map[string]types.AttributeValue) error {
		var it authItem
		if err := unmarshal(item, &it); err != nil {
			return fmt.Errorf("decode authorization: %w", err)
		}
		out = append(out, it.Authorization)
		return nil
	})
	return out, err
}

// AuthorizationAppeals lists the decided appeals of retro authorization
// requests.
func (s *Reports) AuthorizationAppeals(ctx context.Context) ([]portal.Case, error) {
	var out []portal.Case
	err := s.scan(ctx, &dynamodb.ScanInput{TableName: &s.Appeals,
		FilterExpression:          aws.String("sk = :case AND attribute_exists(authorizationId) AND attribute_exists(#d)"),
		ExpressionAttributeNames:  map[string]string{"#d": "decision"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":case": str("CASE")},
	}, func(item map[string]types.AttributeValue) error {
		var it caseItem
		if err := unmarshal(item, &it); err != nil {
			return fmt.Errorf("decode appeal: %w", err)
		}
		out = append(out, it.Case)
		return nil
	})
	return out, err
}

func (s *Reports) scan(ctx context.Context, in *dynamodb.ScanInput, each func(map[string]types.AttributeValue) error) error {
	p := dynamodb.NewScanPaginator(s.DB, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("scan %s: %w", aws.ToString(in.TableName), err)
		}
		for _, item := range page.Items {
			if err := each(item); err != nil {
				return err
			}
		}
	}
	return nil
}
