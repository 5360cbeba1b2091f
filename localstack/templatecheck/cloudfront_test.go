package templatecheck

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// runFunction runs a CloudFront function's code, as the template gives it,
// on event in Node (cloudfront-js-2.0 is a subset of the JavaScript Node
// runs), and returns what its handler returns.
func runFunction(t *testing.T, id string, event any) map[string]any {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on the PATH: the README lists Node.js 20+ among what make test needs")
	}
	code := text(get(load(t)[id], "Properties", "FunctionCode"))
	if !strings.Contains(code, "function handler(event)") {
		t.Fatalf("%s has no handler: %q", id, code)
	}
	in, err := json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, "-e", code+"\nprocess.stdout.write(JSON.stringify(handler("+string(in)+")));").Output()
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s returned %s: %v", id, out, err)
	}
	return got
}

// The API's throttled (429) and unreachable (503) answers reach clients
// with Retry-After, as the OpenAPI document's GatewayAnswer says; one the
// function set itself is kept, and other answers are untouched.
func TestTheAPIsBusyAnswersSayWhenToRetry(t *testing.T) {
	res := load(t)
	var associated bool
	for _, b := range get(res["PortalDistribution"], "Properties", "DistributionConfig", "CacheBehaviors").Content {
		if text(get(b, "PathPattern")) != "/api/*" {
			continue
		}
		for _, f := range get(b, "FunctionAssociations").Content {
			if text(get(f, "EventType")) == "viewer-response" && text(get(f, "FunctionARN")) == "!GetAtt ApiRetryAfterFunction.FunctionMetadata.FunctionARN" {
				associated = true
			}
		}
	}
	if !associated {
		t.Error("ApiRetryAfterFunction is not the /api/* behaviour's viewer-response function")
	}
	for _, tc := range []struct {
		status      int
		retryAfter  string
		wantRetry   string
		description string
	}{
		{429, "", "1", "throttled"},
		{503, "", "1", "unreachable"},
		{429, "7", "7", "a Retry-After of its own"},
		{200, "", "", "a success"},
		{500, "", "", "a function's failure"},
	} {
		headers := map[string]any{"content-type": map[string]string{"value": "application/json"}}
		if tc.retryAfter != "" {
			headers["retry-after"] = map[string]string{"value": tc.retryAfter}
		}
		got := runFunction(t, "ApiRetryAfterFunction", map[string]any{"response": map[string]any{"statusCode": tc.status, "headers": headers}})
		h, _ := got["headers"].(map[string]any)
		var retry string
		if v, ok := h["retry-after"].(map[string]any); ok {
			retry, _ = v["value"].(string)
		}
		if retry != tc.wantRetry || h["content-type"] == nil {
			t.Errorf("%s: headers %v, want Retry-After %q", tc.description, h, tc.wantRetry)
		}
	}
}

// CloudFront's /api/* reaches the HTTP API without the prefix, naming the
// viewer's address as CloudFront saw it: an address the caller sent in the
// same header is replaced, never passed on.
func TestTheAPIPrefixIsDroppedAndTheViewerNamed(t *testing.T) {
	for in, want := range map[string]string{"/api/claims": "/claims", "/api": "/", "/api/": "/", "/apiary": "/apiary"} {
		event := map[string]any{"viewer": map[string]any{"ip": "198.51.100.7"},
			"request": map[string]any{"uri": in, "headers": map[string]any{"x-viewer-address": map[string]string{"value": "10.0.0.1"}}}}
		got := runFunction(t, "ApiPrefixFunction", event)
		if got["uri"] != want {
			t.Errorf("%s: %v, want %s", in, got["uri"], want)
		}
		h, _ := got["headers"].(map[string]any)
		if v, _ := h["x-viewer-address"].(map[string]any); v["value"] != "198.51.100.7" {
			t.Errorf("%s: the viewer's address is %v, want CloudFront's 198.51.100.7", in, h["x-viewer-address"])
		}
	}
}
