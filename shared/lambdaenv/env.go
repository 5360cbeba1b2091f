package lambdaenv

import (
	"fmt"
	"strings"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Env is a function's resources and settings, as template.yaml passes them:
// each field is set when the function named its Var to Load, and checked
// there. Every other field is its zero value, and Must refuses it.
type Env struct {
	AttachmentsTable, ClaimsTable, MembersTable, IdempotencyTable    string
	AuthorizationsTable, DisputesTable, AppealsTable, DocumentsTable string

	AttachmentsBucket string

	// Queues the portal sends to, and the dead-letter queues its consumers
	// park refused messages on.
	AppealsQueueURL, UMQueueURL, COBQueueURL, ClaimDocumentsQueueURL string
	DecisionsDLQURL, CaseDecisionsDLQURL, ClaimsFeedDLQURL           string

	// CursorKey signs the cursors of lists (at least 32 bytes).
	CursorKey []byte
	// StackName is the dimension of the sweeps' and consumers' metrics.
	StackName string

	// Settings: each holds its default unless the function names it and
	// the variable is set.
	UploadPrefix    string        // uploads/
	LetterPrefix    string        // letters/
	UploadFormTTL   time.Duration // how long a presigned form stays usable
	DownloadLinkTTL time.Duration // how long a download link stays usable
	UploadRetention time.Duration // how long an upload never submitted is kept
	EventSweepGrace time.Duration // how long a sweep leaves a writer to deliver

	named map[string]bool
}

// Var is one variable a function may name: its name in template.yaml, its
// default if it may be unset (required if none), and where Load puts it.
type Var struct {
	Name     string
	optional bool
	set      func(e *Env, v string) error
	text     func(e *Env) *string // the field of a text variable
}

func required(name string, field func(*Env) *string) Var {
	return Var{Name: name, text: field, set: func(e *Env, v string) error { *field(e) = v; return nil }}
}

func duration(name string, def time.Duration, field func(*Env) *time.Duration) Var {
	return Var{Name: name, optional: true, set: func(e *Env, v string) error {
		if v == "" {
			*field(e) = def
			return nil
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("%s=%q is not a positive duration such as 15m", name, v)
		}
		*field(e) = d
		return nil
	}}
}

func prefix(name, def string, field func(*Env) *string) Var {
	return Var{Name: name, optional: true, set: func(e *Env, v string) error {
		if v == "" {
			v = def
		}
		if !strings.HasSuffix(v, "/") {
			return fmt.Errorf("%s=%q must end in /", name, v)
		}
		*field(e) = v
		return nil
	}}
}

// The variables functions name. Each is read by Load alone.
var (
	AttachmentsTable    = required("ATTACHMENTS_TABLE", func(e *Env) *string { return &e.AttachmentsTable })
	ClaimsTable         = required("CLAIMS_TABLE", func(e *Env) *string { return &e.ClaimsTable })
	MembersTable        = required("MEMBERS_TABLE", func(e *Env) *string { return &e.MembersTable })
	IdempotencyTable    = required("IDEMPOTENCY_TABLE", func(e *Env) *string { return &e.IdempotencyTable })
	AuthorizationsTable = required("AUTHORIZATIONS_TABLE", func(e *Env) *string { return &e.AuthorizationsTable })
	DisputesTable       = required("DISPUTES_TABLE", func(e *Env) *string { return &e.DisputesTable })
	AppealsTable        = required("APPEALS_TABLE", func(e *Env) *string { return &e.AppealsTable })
	DocumentsTable      = required("DOCUMENTS_TABLE", func(e *Env) *string { return &e.DocumentsTable })

	AttachmentsBucket = required("ATTACHMENTS_BUCKET", func(e *Env) *string { return &e.AttachmentsBucket })

	AppealsQueue        = required("APPEALS_QUEUE_URL", func(e *Env) *string { return &e.AppealsQueueURL })
	UMQueue             = required("UM_QUEUE_URL", func(e *Env) *string { return &e.UMQueueURL })
	COBQueue            = required("COB_QUEUE_URL", func(e *Env) *string { return &e.COBQueueURL })
	ClaimDocumentsQueue = required("CLAIM_DOCUMENTS_QUEUE_URL", func(e *Env) *string { return &e.ClaimDocumentsQueueURL })
	DecisionsDLQ        = required("DECISIONS_DLQ_URL", func(e *Env) *string { return &e.DecisionsDLQURL })
	CaseDecisionsDLQ    = required("CASE_DECISIONS_DLQ_URL", func(e *Env) *string { return &e.CaseDecisionsDLQURL })
	ClaimsFeedDLQ       = required("CLAIMS_FEED_DLQ_URL", func(e *Env) *string { return &e.ClaimsFeedDLQURL })

	CursorKey = Var{Name: "CURSOR_KEY", set: func(e *Env, v string) error {
		if len(v) < 32 {
			return fmt.Errorf("CURSOR_KEY must be at least 32 characters")
		}
		e.CursorKey = []byte(v)
		return nil
	}}
	StackName = required("STACK_NAME", func(e *Env) *string { return &e.StackName })

	UploadPrefix    = prefix("UPLOAD_PREFIX", "uploads/", func(e *Env) *string { return &e.UploadPrefix })
	LetterPrefix    = prefix("LETTER_PREFIX", "letters/", func(e *Env) *string { return &e.LetterPrefix })
	UploadFormTTL   = duration("UPLOAD_FORM_TTL", 15*time.Minute, func(e *Env) *time.Duration { return &e.UploadFormTTL })
	DownloadLinkTTL = duration("DOWNLOAD_LINK_TTL", 5*time.Minute, func(e *Env) *time.Duration { return &e.DownloadLinkTTL })
	UploadRetention = duration("UPLOAD_RETENTION", portal.DefaultUploadRetention,
		func(e *Env) *time.Duration { return &e.UploadRetention })
	EventSweepGrace = duration("EVENT_SWEEP_GRACE", 30*time.Second, func(e *Env) *time.Duration { return &e.EventSweepGrace })
)

// Settings are the variables with defaults.
var Settings = []Var{UploadPrefix, LetterPrefix, UploadFormTTL, DownloadLinkTTL, UploadRetention, EventSweepGrace}

// loadEnv reads the named variables into an Env; the error names every
// variable missing (or empty) and every malformed one, on one line.
func loadEnv(getenv Getenv, vars []Var) (Env, error) {
	e := Env{named: map[string]bool{}}
	for _, v := range Settings {
		if err := v.set(&e, ""); err != nil {
			return Env{}, err
		}
	}
	var missing, malformed []string
	for _, v := range vars {
		if v.set == nil {
			return Env{}, fmt.Errorf("lambdaenv: a Var must be one of the package's variables")
		}
		e.named[v.Name] = true
		val := getenv(v.Name)
		if val == "" && !v.optional {
			missing = append(missing, v.Name)
			continue
		}
		if err := v.set(&e, val); err != nil {
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

// Text returns a text variable the function named (a table, queue URL,
// bucket or stack name), under Must's rule.
func (e *Env) Text(v Var) string {
	e.Must(v)
	if v.text == nil {
		panic(fmt.Sprintf("lambdaenv: %s is not a text variable", v.Name))
	}
	return *v.text(e)
}

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
