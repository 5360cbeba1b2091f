// Command claimsingest is the claims feed consumer: it upserts claims and
// members from the core claims system.
package main

import "github.com/openpayer/provider-portal/shared/app"

func main() { app.Start("claims-ingest", app.ClaimsIngest) }
