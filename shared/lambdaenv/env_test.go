package lambdaenv_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/portal"
)

func getenv(env map[string]string) lambdaenv.Getenv {
	base := map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret"}
	return func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return base[k]
	}
}

// A function stops at init with one line naming every variable it named
// that is missing, empty or malformed; the rest is parsed once.
func TestLoadNamesEveryMissingOrMalformedVariable(t *testing.T) {
	_, err := lambdaenv.Load(getenv(map[string]string{"CLAIMS_TABLE": "", "UPLOAD_PREFIX": "uploads", "UPLOAD_FORM_TTL": "soon"}),
		lambdaenv.ClaimsTable, lambdaenv.MembersTable, lambdaenv.UploadPrefix, lambdaenv.UploadFormTTL)
	if err == nil {
		t.Fatal("loaded with nothing set")
	}
	for _, want := range []string{"CLAIMS_TABLE", "MEMBERS_TABLE", "UPLOAD_PREFIX", "UPLOAD_FORM_TTL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("%q is more than one line", err)
	}

	f, err := lambdaenv.Load(getenv(map[string]string{"CLAIMS_TABLE": "claims", "UPLOAD_FORM_TTL": "2m",
		"DOWNLOAD_LINK_TTL": "1h", "AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:9"}),
		lambdaenv.ClaimsTable, lambdaenv.UploadFormTTL, lambdaenv.UploadPrefix)
	if err != nil {
		t.Fatal(err)
	}
	e := f.Env
	if e.Text(lambdaenv.ClaimsTable) != "claims" || e.Duration(lambdaenv.UploadFormTTL) != 2*time.Minute || e.Prefix(lambdaenv.UploadPrefix) != "uploads/" {
		t.Errorf("parsed %+v", e)
	}
	// A setting the function did not name keeps its default, whatever is set.
	if d := e.Duration(lambdaenv.DownloadLinkTTL); d != 5*time.Minute {
		t.Errorf("DOWNLOAD_LINK_TTL, not named, is %v; want its default", d)
	}
	if d := e.Duration(lambdaenv.UploadRetention); d != portal.DefaultUploadRetention {
		t.Errorf("UPLOAD_RETENTION, unset, is %v; want the plan's default %v", d, portal.DefaultUploadRetention)
	}
	if f.Endpoints["SQS"] == nil || *f.Endpoints["SQS"] != "http://127.0.0.1:9" || f.Endpoints["DYNAMODB"] != nil {
		t.Errorf("endpoints %v", f.Endpoints)
	}
}

// A constructor that would build on a variable the function did not name
// stops it, naming the variable, instead of using an empty table name.
func TestMustStopsAConstructorOnAVariableNotNamed(t *testing.T) {
	f, err := lambdaenv.Load(getenv(map[string]string{"CLAIMS_TABLE": "claims", "MEMBERS_TABLE": "members"}), lambdaenv.ClaimsTable)
	if err != nil {
		t.Fatal(err)
	}
	f.Env.Must(lambdaenv.ClaimsTable)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "MEMBERS_TABLE") {
			t.Errorf("recovered %v, want a stop naming MEMBERS_TABLE", r)
		}
	}()
	_ = f.Env.Text(lambdaenv.MembersTable)
}

// A variable read the wrong way is a wiring mistake too: a table is not a
// signing key.
func TestAVariableIsReadOnlyAsWhatItIs(t *testing.T) {
	f, err := lambdaenv.Load(getenv(map[string]string{"CLAIMS_TABLE": "claims"}), lambdaenv.ClaimsTable, lambdaenv.UploadFormTTL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "UPLOAD_FORM_TTL is not read that way") {
			t.Errorf("recovered %v, want a stop naming UPLOAD_FORM_TTL", r)
		}
	}()
	_ = f.Env.Text(lambdaenv.UploadFormTTL)
}
