// Command notifications tells the systems that subscribed that a decision
// on a retro authorization request is ready (FHIR Subscriptions Backport,
// rest-hook), from the notifications queue.
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openpayer/provider-portal/shared/notifications"
)

func main() {
	h, err := notifications.FromEnv(context.Background(), os.Getenv)
	if err != nil {
		log.Fatalf("notifications: %v", err)
	}
	lambda.Start(h.Handle)
}
