// Command authorizationdecisions applies utilization management's
// decisions to retro authorization requests, fed by the decisions queue.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openpayer/provider-portal/shared/authorizationdecisions"
)

func main() {
	h, err := authorizationdecisions.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("authorization-decisions: %v", err)
	}
	lambda.Start(h.Handle)
}
