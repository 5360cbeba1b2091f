// Command attachmentprocessor checks each uploaded file by its content,
// triggered by the bucket's ObjectCreated notifications through SQS.
package main

import "github.com/openpayer/provider-portal/shared/app"

func main() { app.Start("attachment-processor", app.AttachmentProcessor) }
