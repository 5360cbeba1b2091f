package portal

// SavedResponse is the first response to a request sent with an
// Idempotency-Key: a retry with the same key gets it again instead of
// repeating the request.
type SavedResponse struct {
	Status      int
	ContentType string
	Body        []byte
}
