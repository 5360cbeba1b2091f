package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openpayer/provider-portal/localstack/sampledata"
)

// The README's restore runbook, rehearsed on the local DynamoDB: a table
// lost whole (deleted by hand: the stack's Retain policy does not stop
// that) is restored under its own name from a recovery point, its point-in-
// time recovery turned on again (a restore does not carry it), and the
// portal reads what it read before, with no deploy. moto restores a backup
// faithfully (a deep copy taken when it was made); its point-in-time
// restore copies the table as it is now, so the rehearsal restores a
// backup, as one from the vault is.
func TestRunbookRestoresALostTable(t *testing.T) {
	ctx := context.Background()
	a := token(t, sampledata.ProviderA.TIN)
	db, table := local.Clients.DynamoDB, local.Res.Tables["ClaimsTable"]
	status, before := get(t, a, "/claims/C10000000002")
	if status != 200 {
		t.Fatalf("before: %d %s", status, before)
	}
	backup, err := db.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: &table, BackupName: aws.String("rehearsal")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &table}); err != nil {
		t.Fatal(err)
	}
	if status, body := rawCall(t, a, "GET", "/claims/C10000000002", nil); status != 500 {
		t.Fatalf("with the table gone: %d %s, want the 500 the runbook starts from", status, body)
	}
	if _, err := db.RestoreTableFromBackup(ctx, &dynamodb.RestoreTableFromBackupInput{TargetTableName: &table,
		BackupArn: backup.BackupDetails.BackupArn}); err != nil {
		t.Fatal(err)
	}
	if err := dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: &table}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{TableName: &table,
		PointInTimeRecoverySpecification: &types.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	status, after := get(t, a, "/claims/C10000000002")
	if status != 200 || string(after) != string(before) {
		t.Errorf("after the restore: %d %s\nwant %s", status, after, before)
	}
	// The searches read its indexes, which the restore brought back.
	if status, body := call(t, a, "POST", "/claims/search", map[string]any{"claimNumber": "C10000000002"}); status != 200 {
		t.Errorf("search after the restore: %d %s", status, body)
	}
	pitr, err := db.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: &table})
	if err != nil || pitr.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != types.PointInTimeRecoveryStatusEnabled {
		t.Errorf("point-in-time recovery after the restore: %+v %v", pitr, err)
	}
}
