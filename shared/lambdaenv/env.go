package lambdaenv

import (
	"fmt"
	"strings"
	"time"
)

// Var is one variable a function may name to Load: its name in
// template.yaml, what kind of value it holds, and its default if it may be
// unset (a setting); the others are required. Vars are plain data, so a
// function links no code per variable.
type Var struct {
	Name string
	kind kind
	def  string
}

type kind uint8

const (
	text     kind = iota // a table, queue URL, bucket or stack name: Env.Text
	duration             // a positive duration such as 15m: Env.Duration
	prefix               // an object key prefix ending in /: Env.Text
	optional             // a resource that may be empty (none): Env.Text
)

// The variables functions name. Each is read by Load alone.
var (
	AttachmentsTable    = Var{Name: "ATTACHMENTS_TABLE"}
	ClaimsTable         = Var{Name: "CLAIMS_TABLE"}
	MembersTable        = Var{Name: "MEMBERS_TABLE"}
	IdempotencyTable    = Var{Name: "IDEMPOTENCY_TABLE"}
	AuthorizationsTable = Var{Name: "AUTHORIZATIONS_TABLE"}
	DisputesTable       = Var{Name: "DISPUTES_TABLE"}
	AppealsTable        = Var{Name: "APPEALS_TABLE"}
	DocumentsTable      = Var{Name: "DOCUMENTS_TABLE"}
	SystemClientsTable  = Var{Name: "SYSTEM_CLIENTS_TABLE"}
	SubscriptionsTable  = Var{Name: "SUBSCRIPTIONS_TABLE"}

	AttachmentsBucket = Var{Name: "ATTACHMENTS_BUCKET"}
	// WebBucket holds the portal's web files (the public metrics page too).
	WebBucket = Var{Name: "WEB_BUCKET"}

	// Queues the portal sends to, and the dead-letter queues its consumers
	// park refused messages on.
	AppealsQueue        = Var{Name: "APPEALS_QUEUE_URL"}
	UMQueue             = Var{Name: "UM_QUEUE_URL"}
	COBQueue            = Var{Name: "COB_QUEUE_URL"}
	ClaimDocumentsQueue = Var{Name: "CLAIM_DOCUMENTS_QUEUE_URL"}
	NotificationsQueue  = Var{Name: "NOTIFICATIONS_QUEUE_URL"}
	DecisionsDLQ        = Var{Name: "DECISIONS_DLQ_URL"}
	CaseDecisionsDLQ    = Var{Name: "CASE_DECISIONS_DLQ_URL"}
	ClaimsFeedDLQ       = Var{Name: "CLAIMS_FEED_DLQ_URL"}

	// CursorKeySecret holds the key the cursors of lists are signed with,
	// read at run time so that it rotates (origin.CursorKeys).
	CursorKeySecret = Var{Name: "CURSOR_KEY_SECRET_ARN"}
	// SystemTokenKey is the KMS key (RSA, sign and verify) the system
	// clients' access tokens are signed with; SystemIssuer is their issuer
	// (the FHIR base URL, as the gateway's authorizer names it) and
	// SystemAudience the audience they carry.
	SystemTokenKey = Var{Name: "SYSTEM_TOKEN_KEY_ID"}
	SystemIssuer   = Var{Name: "SYSTEM_ISSUER"}
	SystemAudience = Var{Name: "SYSTEM_AUDIENCE"}
	// StackName is the dimension of the sweeps' and consumers' metrics.
	StackName = Var{Name: "STACK_NAME"}
	// OriginVerifySecret is the secret the portal's distribution sends
	// the API (prod): empty, and the API answers any caller with a token.
	OriginVerifySecret = Var{Name: "ORIGIN_VERIFY_SECRET_ARN", kind: optional}
	// RestHookLoopback, "allow", lets subscriptions' rest-hooks be http
	// on 127.0.0.1: the local stack's test receiver. Unset in AWS, where
	// only https addresses on the internet are taken and reached.
	RestHookLoopback = Var{Name: "REST_HOOK_LOOPBACK", kind: optional}

	// Settings: each holds its default unless the function names it and the
	// variable is set.
	UploadPrefix    = Var{Name: "UPLOAD_PREFIX", kind: prefix, def: "uploads/"}
	LetterPrefix    = Var{Name: "LETTER_PREFIX", kind: prefix, def: "letters/"}
	UploadFormTTL   = Var{Name: "UPLOAD_FORM_TTL", kind: duration, def: "15m"}   // how long a presigned form stays usable
	DownloadLinkTTL = Var{Name: "DOWNLOAD_LINK_TTL", kind: duration, def: "5m"}  // how long a download link stays usable
	UploadRetention = Var{Name: "UPLOAD_RETENTION", kind: duration, def: "168h"} // how long an upload never submitted is kept
	EventSweepGrace = Var{Name: "EVENT_SWEEP_GRACE", kind: duration, def: "30s"} // how long a sweep leaves a writer to deliver
)

// Settings are the variables with defaults.
var Settings = []Var{UploadPrefix, LetterPrefix, UploadFormTTL, DownloadLinkTTL, UploadRetention, EventSweepGrace}

// Optional are the variables that may be empty or unset: the function then
// goes without what they name.
var Optional = []Var{OriginVerifySecret, RestHookLoopback}

// Env is a function's resources and settings, as template.yaml passes them,
// checked once by Load: a value for each variable the function named, and
// each setting's default. Reading one the function did not name stops it
// (see Must).
type Env struct {
	values    map[string]string
	durations map[string]time.Duration
	named     map[string]bool
}

// parse checks one value of v; "" is a setting's default.
func (v Var) parse(e *Env, val string) error {
	if val == "" {
		val = v.def
	}
	switch v.kind {
	case duration:
		d, err := time.ParseDuration(val)
		if err != nil || d <= 0 {
			return fmt.Errorf("%s=%q is not a positive duration such as 15m", v.Name, val)
		}
		e.durations[v.Name] = d
	case prefix:
		if !strings.HasSuffix(val, "/") {
			return fmt.Errorf("%s=%q must end in /", v.Name, val)
		}
	}
	e.values[v.Name] = val
	return nil
}

// loadEnv reads the named variables into an Env; the error names every
// variable missing (or empty) and every malformed one, on one line.
func loadEnv(getenv Getenv, vars []Var) (Env, error) {
	e := Env{values: map[string]string{}, durations: map[string]time.Duration{}, named: map[string]bool{}}
	for _, v := range Settings {
		if err := v.parse(&e, ""); err != nil {
			return Env{}, err
		}
	}
	var missing, malformed []string
	for _, v := range vars {
		if v.Name == "" {
			return Env{}, fmt.Errorf("lambdaenv: a Var must be one of the package's variables")
		}
		e.named[v.Name] = true
		val := getenv(v.Name)
		if val == "" && v.def == "" && v.kind != optional {
			missing = append(missing, v.Name)
			continue
		}
		if err := v.parse(&e, val); err != nil {
			malformed = append(malformed, err.Error())
		}
	}
	var problems []string
	if len(missing) > 0 {
		problems = append(problems, "missing environment: "+strings.Join(missing, ", "))
	}
	problems = append(problems, malformed...)
	if len(problems) > 0 {
		return Env{}, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return e, nil
}

// Has reports whether the function named v.
func (e *Env) Has(v Var) bool { return e.named[v.Name] }

// Must stops a constructor that would build on a variable the function did
// not name: it panics, at init, with the variable's name. It is a wiring
// mistake, and the local stack's test of each function finds it before a
// deployment does.
func (e *Env) Must(vars ...Var) {
	for _, v := range vars {
		if !e.Has(v) {
			panic(fmt.Sprintf("lambdaenv: %s is used but the function does not name it to Load", v.Name))
		}
	}
}

func (e *Env) must(v Var, k kind) {
	e.Must(v)
	if v.kind != k && !(k == text && (v.kind == prefix || v.kind == optional)) {
		panic(fmt.Sprintf("lambdaenv: %s is not read that way", v.Name))
	}
}

// Text returns a table, queue URL, bucket, stack name or prefix the
// function named, under Must's rule.
func (e *Env) Text(v Var) string {
	e.must(v, text)
	return e.values[v.Name]
}

// Duration returns a duration setting: its default unless the function
// named it and it is set.
func (e *Env) Duration(v Var) time.Duration {
	if v.kind != duration {
		panic(fmt.Sprintf("lambdaenv: %s is not a duration", v.Name))
	}
	return e.durations[v.Name]
}

// Prefix returns a prefix setting: its default unless the function named
// it and it is set.
func (e *Env) Prefix(v Var) string {
	if v.kind != prefix {
		panic(fmt.Sprintf("lambdaenv: %s is not a prefix", v.Name))
	}
	return e.values[v.Name]
}
