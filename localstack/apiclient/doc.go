// Package apiclient is the Go client oapi-codegen generates from the OpenAPI
// document, as a mobile or partner team would: `make client` writes
// apiclient.gen.go (not kept in git) with the version the Makefile pins and
// the options in oapi-codegen.yaml. localstack/e2e drives the whole journey
// through it, so a document a generated client cannot use fails the tests.
package apiclient
