// Command hello is the smallest Go Lambda: the baseline that the functions'
// cold starts are measured against (same build flags, same runtime client).
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(_ context.Context, ev json.RawMessage) (json.RawMessage, error) { return ev, nil })
}
