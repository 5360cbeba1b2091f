package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/portal"
)

// Each request's log line is also CloudWatch metrics (the embedded metric
// format): requests and duration by function, and a problem by function
// and code, so operators see which refusal spikes.
func TestRequestLinesCarryMetrics(t *testing.T) {
	var out bytes.Buffer
	log := lambdaenv.Logger(func(k string) string {
		return map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "stack-uploads"}[k]
	}, &out)
	h := httpapi.LogRequests(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.Error(w, r, log, portal.ErrUploadNotFound())
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/uploads/x", nil))
	var line struct {
		Function, Code     string
		Requests, Problems int
		AWS                struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
	}
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatalf("%v: %s", err, out.Bytes())
	}
	cw := line.AWS.CloudWatchMetrics
	if line.Function != "stack-uploads" || line.Code != portal.CodeUploadNotFound || line.Requests != 1 || line.Problems != 1 ||
		line.AWS.Timestamp == 0 || len(cw) != 2 || cw[0].Namespace != "ProviderPortal" ||
		len(cw[1].Dimensions) != 1 || len(cw[1].Dimensions[0]) != 2 || cw[1].Dimensions[0][1] != "code" || cw[1].Metrics[0].Name != "problems" {
		t.Errorf("request line: %s", out.Bytes())
	}
}
