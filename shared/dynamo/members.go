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

// MemberStore keeps members in the Members table.
type MemberStore struct {
	DB    API
	Table string
	Now   func() time.Time
}

type memberItem struct {
	portal.Member
	// NameKey backs the byName index: last name, first name, date of birth.
	NameKey   string `json:"nameKey"`
	UpdatedAt string `json:"updatedAt"`
}

func (s *MemberStore) Member(ctx context.Context, id string) (*portal.Member, error) {
	notFound := portal.ErrMemberNotFound()
	if !portal.ValidIdentifier(id) {
		return nil, notFound
	}
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.Table,
		Key:       map[string]types.AttributeValue{"memberId": str(id)},
	})
	if err != nil {
		return nil, fmt.Errorf("get member: %w", err)
	}
	if out.Item == nil {
		return nil, notFound
	}
	var it memberItem
	if err := unmarshal(out.Item, &it); err != nil {
		return nil, fmt.Errorf("decode member: %w", err)
	}
	return &it.Member, nil
}

func (s *MemberStore) MembersByMedicaidID(ctx context.Context, medicaidID string) ([]portal.Member, error) {
	return s.query(ctx, "byMedicaidId", "medicaidId", medicaidID)
}

func (s *MemberStore) MembersByName(ctx context.Context, lastName, firstName string, dob portal.Date) ([]portal.Member, error) {
	return s.query(ctx, "byName", "nameKey", portal.NameKey(lastName, firstName, dob))
}

func (s *MemberStore) query(ctx context.Context, index, key, value string) ([]portal.Member, error) {
	var members []portal.Member
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName:                 &s.Table,
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String("#k = :v"),
		ExpressionAttributeNames:  map[string]string{"#k": key},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": str(value)},
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("query members %s: %w", index, err)
		}
		for _, item := range out.Items {
			var it memberItem
			if err := unmarshal(item, &it); err != nil {
				return nil, fmt.Errorf("decode member: %w", err)
			}
			members = append(members, it.Member)
		}
	}
	return members, nil
}

func (s *MemberStore) UpsertMember(ctx context.Context, m *portal.Member) (portal.Upserted, error) {
	it := memberItem{Member: *m, NameKey: portal.NameKey(m.LastName, m.FirstName, m.DateOfBirth),
		UpdatedAt: s.Now().UTC().Format(time.RFC3339)}
	item, err := marshal(it)
	if err != nil {
		return portal.Stale, fmt.Errorf("encode member: %w", err)
	}
	if m.MedicaidID == "" {
		delete(item, "medicaidId") // a GSI key may not be an empty string
	}
	return putIfNewer(ctx, s.DB, s.Table, "memberId", item, m.Version)
}
