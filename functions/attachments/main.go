// Command attachments takes document submissions (proactive and for denied
// claims) and lists a claim's attached documents.
package main

import "github.com/openpayer/provider-portal/shared/app"

func main() { app.Start("attachments", app.Attachments) }
