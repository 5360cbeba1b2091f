// Package caseevents is the case-events function: on a schedule it sends
// the disputes' and appeals' events still due to the plan's appeals system,
// and renders and stores the letters not stored yet. The case functions
// write a letter's record in the change's transaction and leave its PDF to
// this sweep or to the first download (the letters function), so that they
// link no PDF renderer and no S3 client.
package caseevents

import (
	"context"

	"github.com/openpayer/provider-portal/shared/cases"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/letters"
	"github.com/openpayer/provider-portal/shared/outbox"
	"github.com/openpayer/provider-portal/shared/portal"
)

// FromEnv builds the case-events function from its environment: the sweeps
// of the disputes' and appeals' outboxes, and of letters not stored yet.
// Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (outbox.Sweepers, error) {
	f, err := lambdaenv.Load(getenv, "DISPUTES_TABLE", "APPEALS_TABLE", "DOCUMENTS_TABLE", "APPEALS_QUEUE_URL", "ATTACHMENTS_BUCKET", "STACK_NAME")
	if err != nil {
		return nil, err
	}
	db := dynamo.NewClient(f)
	lp, err := letters.PublisherFromEnv(f, db)
	if err != nil {
		return nil, err
	}
	caseSweep := func(tableVar string, family *portal.CaseFamily) (*outbox.Sweeper, error) {
		return outbox.NewSweeper(f, family.Name, cases.Publisher(f, dynamo.CaseStoreFromEnv(f, db, tableVar, family.Name)))
	}
	disputes, err := caseSweep("DISPUTES_TABLE", portal.Disputes)
	if err != nil {
		return nil, err
	}
	appeals, err := caseSweep("APPEALS_TABLE", portal.Appeals)
	if err != nil {
		return nil, err
	}
	letterSweep, err := outbox.NewSweeper(f, "letters", lp)
	if err != nil {
		return nil, err
	}
	// No writer stores its letters: nothing to wait for. Rendering one
	// twice (here and at a first download) stores the same bytes.
	letterSweep.Grace = 0
	return outbox.Sweepers{disputes, appeals, letterSweep}, nil
}
