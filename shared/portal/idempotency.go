package portal

import "time"

// SavedResponse is the first response to a request sent with an
// Idempotency-Key: a retry with the same key gets it again instead of
// repeating the request.
type SavedResponse struct {
	Status      int
	ContentType string
	Body        []byte
}

// IdempotencyInProgressTTL is how long a key stays claimed by a request
// that has not finished: longer than any function's timeout, so that a key
// left by an invocation that died frees itself for the client's retry.
const IdempotencyInProgressTTL = time.Minute
