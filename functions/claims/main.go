// Command claims is the claims workflow's Lambda: claim search and detail.
package main

import "github.com/openpayer/provider-portal/shared/app"

func main() { app.Start("claims", app.Claims) }
