// Command authorizationevents sweeps, on a schedule, the events to
// utilization management and the COB unit still due, and delivers them.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openpayer/provider-portal/shared/authorizationevents"
)

func main() {
	h, err := authorizationevents.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("authorization-events: %v", err)
	}
	lambda.Start(h.Handle)
}
