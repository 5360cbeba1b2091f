// Command casedecisions applies the appeals system's acknowledgements and
// decisions to disputes and appeals, fed by the case-decisions queue.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openpayer/provider-portal/shared/casedecisions"
)

func main() {
	h, err := casedecisions.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("case-decisions: %v", err)
	}
	lambda.Start(h.Handle)
}
