// Command portal-local runs the provider portal on one machine, without
// Docker: `up` starts the AWS-compatible servers, provisions template.yaml,
// loads the sample data through the claims feed and serves the API;
// `token` prints a development token for a sample provider.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/systemauth"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portal-local:", err)
		os.Exit(1)
	}
}

const stateDir = "localstack/.state"

// devUser is the subject of development tokens, from the banner and from
// `make token` alike.
const devUser = "dev-user"

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: portal-local up [-addr 127.0.0.1:3000] [-endpoint URL] | token [-tin 111111111] [-sub user] | system-token [-client bluegrass-ehr] [-scope system/Claim.cr] | pas-request [-document file.pdf] | " +
			"decide -id RA-XXXX-XXXX -status approved|denied|more_information_requested|withdrawn | decide-case -id AP-XXXX-XXXX -outcome upheld|overturned|partially_overturned|returned_incomplete|in_review | provision [-endpoint URL]")
	}
	auth, err := stack.LoadDevAuth(filepath.Join(stateDir, "dev-jwt-key.pem"))
	if err != nil {
		return err
	}
	switch args[0] {
	case "token":
		fs := flag.NewFlagSet("token", flag.ContinueOnError)
		tin := fs.String("tin", sampledata.ProviderA.TIN, "provider TIN the token acts for")
		sub := fs.String("sub", devUser, "user (subject) of the token")
		ttl := fs.Duration("ttl", 12*time.Hour, "token lifetime")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		tok, err := auth.Token(*sub, *tin, *ttl)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, tok)
		return nil
	case "system-token":
		// SMART Backend Services as a registered system does it: sign an
		// assertion with the sample system's key (kept in the state
		// folder), post it to the running portal's token endpoint, print
		// the access token.
		fs := flag.NewFlagSet("system-token", flag.ContinueOnError)
		client := fs.String("client", sampledata.EHRClient, "the sample system: "+sampledata.EHRClient+" (provider A), "+
			sampledata.HospitalEHRClient+" (B), "+sampledata.ClearinghouseClient+" (A and B)")
		scope := fs.String("scope", "system/Claim.cr", "the scopes asked for")
		portalURL := fs.String("portal", "http://127.0.0.1:3000", "the running portal (make run)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		tok, err := systemToken(ctx, *portalURL, *client, *scope)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, tok)
		return nil
	case "pas-request":
		// The PAS package's medical services request, mapped onto the
		// sample data: provider A's NPIs, Avery, the sample retro date;
		// with -document, carrying that file as PAS sends documents.
		fs := flag.NewFlagSet("pas-request", flag.ContinueOnError)
		document := fs.String("document", "", "a file the request carries inside it (its type by its extension: .pdf, .txt, ...)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		examples, _, err := sampledata.PASPackage(".")
		if err != nil {
			return fmt.Errorf("the PAS package (%s): %w", sampledata.PASArchive, err)
		}
		body, err := sampledata.MapPAS(examples["Bundle-MedicalServicesAuthorizationBundleExample.json"], sampledata.PASSample{
			MemberID: sampledata.MemberAvery, RequestingNPI: "1234567893", ServicingNPI: "1245319599",
			ServiceDate: sampledata.RetroDate(portal.DateOf(time.Now())).String(), Diagnosis: "M25.561"})
		if err != nil {
			return err
		}
		if *document != "" {
			data, err := os.ReadFile(*document)
			if err != nil {
				return err
			}
			t, ok := filetype.FromFileName(*document)
			if !ok {
				return fmt.Errorf("%s: not a type the plan takes (the extension tells)", *document)
			}
			if body, err = sampledata.WithPASDocuments(body, sampledata.PASDocument{Title: filepath.Base(*document),
				ContentType: filetype.ContentTypes[t], Data: data}); err != nil {
				return err
			}
		}
		fmt.Fprintln(stdout, string(body))
		return nil
	case "up":
		fs := flag.NewFlagSet("up", flag.ContinueOnError)
		addr := fs.String("addr", "127.0.0.1:3000", "address of the local API")
		port := fs.Int("aws-port", 4566, "first port of the local AWS endpoints: DynamoDB on it, SQS on the next, S3 on the one after")
		endpoint := fs.String("endpoint", "", "use this running AWS-compatible endpoint (e.g. LocalStack) instead of starting one")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return up(ctx, *addr, *port, *endpoint, auth, stdout, stderr)
	case "decide":
		// Posts a decision on the local decisions queue, as utilization
		// management (or an operator at the console) would.
		fs := flag.NewFlagSet("decide", flag.ContinueOnError)
		id := fs.String("id", "", "the request's ID, RA-XXXX-XXXX")
		status := fs.String("status", "approved", "approved, denied, more_information_requested or withdrawn")
		start := fs.String("start", "", "approved dates (YYYY-MM-DD; default: 30 days ago, the sample date of service)")
		port := fs.Int("aws-port", 4566, "the first port of the local AWS endpoints (SQS is on the next)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		day := sampledata.RetroDate(portal.DateOf(time.Now()))
		if *start != "" {
			if day, err = portal.ParseDate(*start); err != nil {
				return fmt.Errorf("-start: %w", err)
			}
		}
		if len(*id) != 12 {
			return errors.New("-id: the request's ID, RA-XXXX-XXXX")
		}
		return sendLocal(ctx, *port, "portal-local-authorization-decisions", sampledata.Decision(*id, portal.AuthStatus(*status), day, time.Now()), stdout)
	case "decide-case":
		// Posts the appeals system's message on a dispute or appeal, as it
		// (or an operator at the console) would.
		fs := flag.NewFlagSet("decide-case", flag.ContinueOnError)
		id := fs.String("id", "", "the case's ID, DP-XXXX-XXXX or AP-XXXX-XXXX")
		outcome := fs.String("outcome", "upheld", "in_review, upheld, overturned, partially_overturned or returned_incomplete")
		port := fs.Int("aws-port", 4566, "the first port of the local AWS endpoints (SQS is on the next)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if !portal.ValidCaseID(*id) {
			return errors.New("-id: the case's ID, DP-XXXX-XXXX or AP-XXXX-XXXX")
		}
		body := sampledata.CaseDecision(*id, portal.CaseOutcome(*outcome), time.Now())
		if _, err := portal.ParseCaseDecision(body); err != nil {
			return fmt.Errorf("-outcome: %w", err)
		}
		return sendLocal(ctx, *port, "portal-local-case-decisions", body, stdout)
	case "provision":
		// The LocalStack init hook runs this, so LocalStack gets the same
		// resources as the native stack.
		fs := flag.NewFlagSet("provision", flag.ContinueOnError)
		endpoint := fs.String("endpoint", "http://localhost:4566", "AWS-compatible endpoint")
		tmpl := fs.String("template", "template.yaml", "SAM template")
		name := fs.String("stack-name", "portal-local", "stack name the template's names use")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		t, err := stack.LoadTemplate(*tmpl)
		if err != nil {
			return err
		}
		clients, err := stack.NewClients(stack.AWSEnv(*endpoint, *endpoint, *endpoint))
		if err != nil {
			return err
		}
		p, err := stack.Provision(ctx, clients, t, *name, stack.LocalParams, true)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "provisioned %s: tables %s; queues %s; buckets %s\n", *name,
			names(p.Tables), names(p.Queues), names(p.Buckets))
		return nil
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// systemToken gets an access token of the sample system client from the
// portal at portalURL, whose issuer is the local stack's.
func systemToken(ctx context.Context, portalURL, client, scope string) (string, error) {
	clients, err := sampledata.SystemClients(filepath.Join(stateDir, "system-clients"))
	if err != nil {
		return "", err
	}
	issuer := stack.LocalParams["PortalOrigin"] + "/api/fhir"
	for _, c := range clients {
		if c.ID != client {
			continue
		}
		assertion, err := c.Assertion(systemauth.TokenEndpoint(issuer))
		if err != nil {
			return "", err
		}
		form := url.Values{"grant_type": {"client_credentials"}, "client_assertion_type": {systemauth.ClientAssertionType},
			"client_assertion": {assertion}, "scope": {scope}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, portalURL+"/api/fhir/auth/token", strings.NewReader(form.Encode()))
		if err != nil {
			return "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", fmt.Errorf("the portal at %s (is `make run` running?): %w", portalURL, err)
		}
		defer resp.Body.Close()
		var out struct {
			AccessToken string `json:"access_token"`
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.AccessToken == "" {
			return "", fmt.Errorf("token endpoint: %s %s: %s", resp.Status, out.Error, out.Description)
		}
		return out.AccessToken, nil
	}
	return "", fmt.Errorf("no sample system %q", client)
}

func up(ctx context.Context, addr string, port int, endpoint string, auth *stack.DevAuth, stdout, stderr io.Writer) error {
	start := time.Now()
	// The API's port first: a second `make run` fails at once, in one line.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("the API's address %s is in use: pick another with `make run API_PORT=3100`", addr)
	}
	defer ln.Close()
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	l, err := stack.Up(ctx, stack.Options{Template: "template.yaml", StackName: "portal-local", Port: port,
		Endpoint: endpoint, Dir: stateDir, Auth: auth, Log: log})
	var inUse *stack.PortInUseError
	if errors.As(err, &inUse) {
		return fmt.Errorf("%v: pick other ports with `make run AWS_PORT=4600` (DynamoDB, SQS and S3 take AWS_PORT and the two after it)", err)
	}
	if err != nil {
		return err
	}
	defer l.Down()
	if err := l.Feed(ctx, "ClaimsFeedQueue", sampledata.New(portal.DateOf(time.Now())).Events(), 60*time.Second); err != nil {
		return fmt.Errorf("load sample data: %w", err)
	}
	if _, err := l.SeedCases(ctx, auth); err != nil {
		return fmt.Errorf("load sample disputes and appeals: %w", err)
	}
	if _, err := l.SeedAuthorizations(ctx, auth, portal.DateOf(time.Now())); err != nil {
		return fmt.Errorf("load sample authorizations: %w", err)
	}
	if _, err := l.SeedSystemClients(ctx); err != nil {
		return err
	}
	// The portal and the API at one address, as CloudFront serves them.
	portal := stack.NewPortal(l.Wired.Gateway, auth, "web/dist", l.AWSEnv["AWS_ENDPOINT_URL_S3"])
	if l.Clients.S3 != nil {
		portal.ServeSite(l.Clients, l.Res.Buckets["WebBucket"])
		// The daily metrics job once now, so that its page is there.
		if err := l.RunScheduled(ctx, "PriorAuthMetricsFunction"); err != nil {
			return fmt.Errorf("publish the prior authorization metrics: %w", err)
		}
	}
	srv := &http.Server{Handler: portal, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	tokA, err := auth.Token(devUser, sampledata.ProviderA.TIN, 12*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, `
Provider portal is up in %.1fs.
  Portal:    http://%s/   (sign in as a sample provider on its development sign-in page)
  API:       http://%s   (also under /api/; OpenAPI: http://%s/openapi.yaml)
  DynamoDB:  %s   SQS: %s   S3: %s
  Tables:    %s
  Queues:    %s
  Logs:      %s/ (one per server)
Sample provider A (TIN %s); a token valid 12 hours:
  export TOKEN=%s
The README's "Try it" section walks through every workflow with it.
Provider B's token: make -s token TIN=%s
Provider C (disputes and appeals in every status, claims on every window's edge): make -s token TIN=%s
Ctrl-C stops everything.
`, time.Since(start).Seconds(), ln.Addr(), ln.Addr(), ln.Addr(), l.AWSEnv["AWS_ENDPOINT_URL_DYNAMODB"], l.AWSEnv["AWS_ENDPOINT_URL_SQS"],
		l.AWSEnv["AWS_ENDPOINT_URL_S3"], names(l.Res.Tables), names(queueNames(l.Res.Queues)), stateDir, sampledata.ProviderA.TIN, tokA,
		sampledata.ProviderB.TIN, sampledata.ProviderC.TIN)
	if err := l.Wait(ctx); err != nil {
		return fmt.Errorf("%w; everything else was stopped", err)
	}
	fmt.Fprintln(stdout, "stopped")
	return nil
}

// sendLocal puts body on one of the local stack's queues, by name.
func sendLocal(ctx context.Context, port int, queue string, body []byte, stdout io.Writer) error {
	clients, err := stack.NewClients(stack.AWSEnv("", fmt.Sprintf("http://127.0.0.1:%d", port+1), ""))
	if err != nil {
		return err
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/%s/%s", port+1, stack.LocalAccount, queue)
	if _, err := clients.SQS.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(string(body))}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sent: %s\n", body)
	return nil
}

// queueNames maps queues to their names: the last part of their URLs.
func queueNames(urls map[string]string) map[string]string {
	out := map[string]string{}
	for id, u := range urls {
		out[id] = u[strings.LastIndex(u, "/")+1:]
	}
	return out
}

// names lists a map's values, sorted, for people to read.
func names(m map[string]string) string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
