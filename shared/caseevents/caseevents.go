// Package caseevents is the case-events function: on a schedule it sends
// the disputes' and appeals' events still due to the plan's appeals system,
// and renders and stores the letters not stored yet. The case functions
// write a letter's record in the change's transaction and leave its PDF to
// this sweep or to the first download (the letters function), so that they
// link no PDF renderer and no S3 client.
package caseevents

import (
	"context"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/letters"
	"github.com/openpayer/provider-portal/shared/outbox"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// FromEnv builds the case-events function from its environment: the sweeps
// of the disputes' and appeals' outboxes, and of letters not stored yet.
// Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (outbox.Sweepers, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.DisputesTable, lambdaenv.AppealsTable, lambdaenv.DocumentsTable,
		lambdaenv.AppealsQueue, lambdaenv.AttachmentsBucket, lambdaenv.LetterPrefix, lambdaenv.StackName, lambdaenv.EventSweepGrace)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewStores(f)
	var sweeps outbox.Sweepers
	for _, family := range []*portal.CaseFamily{portal.Disputes, portal.Appeals} {
		sweeps = append(sweeps, outbox.NewSweeper(f, family.Name, sqs.NewPublisher(f, db.Cases(family), portal.QueueAppeals)))
	}
	letterSweep := outbox.NewSweeper(f, "letters", letters.NewPublisher(f, db.Letters()))
	// No writer stores its letters: nothing to wait for. Rendering one
	// twice (here and at a first download) stores the same bytes.
	letterSweep.Grace = 0
	return append(sweeps, letterSweep), nil
}
