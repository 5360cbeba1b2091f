// Command uploads hands out presigned upload forms and tracks each file.
package main

import "github.com/openpayer/provider-portal/shared/app"

func main() { app.Start("uploads", app.Uploads) }
