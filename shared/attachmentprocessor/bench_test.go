package attachmentprocessor_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
	"github.com/openpayer/provider-portal/shared/portal"
)

// BenchmarkBatch checks a batch of ten uploaded files, one per message, as
// the bucket's notifications arrive; each op is one batch. With latency,
// every store and bucket call takes a millisecond, as a round trip to
// DynamoDB or S3 does: what a provider waits for is then the batch's wall time.
func BenchmarkBatch(b *testing.B) {
	b.Run("in-memory", func(b *testing.B) { benchmarkBatch(b, 0) })
	b.Run("latency-1ms", func(b *testing.B) { benchmarkBatch(b, time.Millisecond) })
}

func benchmarkBatch(b *testing.B, latency time.Duration) {
	h, store, files, _ := setup()
	content := filetypetest.PDF(256 << 10)
	var batch events.SQSEvent
	for i := range 10 {
		id := fmt.Sprintf("u%d", i)
		files.objects["uploads/"+id] = content
		batch.Records = append(batch.Records, clean("uploads/"+id))
		batch.Records[i].MessageId = id
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		store.Fault, files.latency = nil, 0
		for i := range 10 { // pending again, so that every file is checked
			id := fmt.Sprintf("u%d", i)
			_ = store.DeleteUpload(ctx, "111111111", id)
			if err := store.CreateUpload(ctx, &portal.Attachment{ID: id, Provider: "111111111", DeclaredType: filetype.PDF, Status: portal.UploadPending}); err != nil {
				b.Fatal(err)
			}
		}
		store.Fault = func(string) error { time.Sleep(latency); return nil }
		files.latency = latency
		b.StartTimer()
		resp, err := h.Handle(ctx, batch)
		if err != nil || len(resp.BatchItemFailures) != 0 {
			b.Fatalf("%+v %v", resp, err)
		}
	}
}
