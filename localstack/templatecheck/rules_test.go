package templatecheck

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The rules a security reviewer signs off on, each read from the template
// itself; mutation_test.go weakens a copy of the template in each way a
// change could and checks that one of these tests fails.

// Every statement a function's role is given names its actions (no
// wildcard) and resources of this stack (no "*", no ARN of every bucket,
// queue or table, however it is spelled).
func TestPoliciesNameTheirActionsAndResources(t *testing.T) {
	res := load(t)
	ref := regexp.MustCompile(`\$\{(\w+)(\.Arn)?\}`)
	ownResource := func(r string) bool {
		switch {
		case strings.HasPrefix(r, "!GetAtt "):
			_, ok := res[strings.TrimSuffix(strings.TrimPrefix(r, "!GetAtt "), ".Arn")]
			return ok
		case strings.HasPrefix(r, "!Ref "):
			_, ok := res[strings.TrimPrefix(r, "!Ref ")]
			return ok
		case strings.HasPrefix(r, "!Sub "):
			// The first reference is a resource of the stack, and no
			// wildcard comes before it (the bucket, queue or table).
			body := strings.TrimPrefix(r, "!Sub ")
			m := ref.FindStringSubmatchIndex(body)
			if m == nil {
				return false
			}
			_, ok := res[body[m[2]:m[3]]]
			return ok && !strings.Contains(body[:m[0]], "*")
		}
		return false
	}
	statements := 0
	for _, id := range ofType(res, "AWS::Serverless::Function") {
		pols := get(res[id], "Properties", "Policies")
		if pols == nil {
			t.Errorf("function %s has no policies of its own", id)
			continue
		}
		for _, pol := range pols.Content {
			if pol.Kind != yaml.MappingNode {
				t.Errorf("function %s: the managed policy %q, which this test cannot read: write its statements", id, text(pol))
				continue
			}
			for _, st := range get(pol, "Statement").Content {
				statements++
				for _, a := range scalars(get(st, "Action")) {
					if strings.Contains(a, "*") {
						t.Errorf("function %s: the action %q is a wildcard", id, a)
					}
				}
				if get(st, "NotAction") != nil || get(st, "NotResource") != nil {
					t.Errorf("function %s: a statement with NotAction or NotResource", id)
				}
				for _, r := range scalars(get(st, "Resource")) {
					if !ownResource(r) {
						t.Errorf("function %s: %v on %q, not a resource of this stack", id, scalars(get(st, "Action")), r)
					}
				}
			}
		}
	}
	if statements < 40 {
		t.Fatalf("read %d statements: the template was not read", statements)
	}
}

// The claims function reads claims and members; the one item it writes is
// its provider's hourly count of member searches, held there by the key
// prefix of the count items.
func TestTheClaimsFunctionWritesOnlySearchCounts(t *testing.T) {
	res := load(t)
	writes := 0
	for _, pol := range get(res["ClaimsFunction"], "Properties", "Policies").Content {
		for _, st := range get(pol, "Statement").Content {
			for _, a := range scalars(get(st, "Action")) {
				if a == "dynamodb:GetItem" || a == "dynamodb:Query" || a == "secretsmanager:GetSecretValue" {
					continue
				}
				writes++
				if a != "dynamodb:UpdateItem" || text(get(st, "Resource")) != "!GetAtt IdempotencyTable.Arn" ||
					!strings.Contains(flat(get(st, "Condition")), "ForAllValues:StringLike dynamodb:LeadingKeys member-searches#*") {
					t.Errorf("the claims function may %s on %s (%s)", a, flat(get(st, "Resource")), flat(get(st, "Condition")))
				}
			}
		}
	}
	if writes != 1 {
		t.Errorf("the claims function has %d write statements, want the search count's one", writes)
	}
}

// No secret sits in a function's configuration, where anyone who may read
// the function sees it and from where it cannot rotate: functions name a
// secret by its ARN and read it at run time.
func TestNoSecretSitsInAFunctionsEnvironment(t *testing.T) {
	doc := document(t)
	res := load(t)
	envs := map[string]*node{"Globals": get(doc, "Globals", "Function", "Environment", "Variables")}
	for _, id := range ofType(res, "AWS::Serverless::Function") {
		envs[id] = get(res[id], "Properties", "Environment", "Variables")
	}
	read := 0
	for id, env := range envs {
		for i := 0; env != nil && i+1 < len(env.Content); i += 2 {
			if v := flat(env.Content[i+1]); strings.Contains(v, "{{resolve:") {
				t.Errorf("%s: %s resolves a secret into the environment", id, env.Content[i].Value)
			}
			if text(env.Content[i+1]) == "!Ref CursorKeySecret" {
				read++
			}
		}
	}
	if read < 5 {
		t.Errorf("%d functions read the cursor key's secret, want the 5 that hand out cursors", read)
	}
}

// Each function writes only its own log group: the boundary on every role
// denies any other, by the role's portal-function tag, which names the
// function.
func TestEachFunctionWritesOnlyItsOwnLogGroup(t *testing.T) {
	doc := document(t)
	res := load(t)
	if text(get(doc, "Globals", "Function", "PermissionsBoundary")) != "!Ref FunctionBoundary" {
		t.Fatal("the functions' roles have no permissions boundary (Globals: PermissionsBoundary: !Ref FunctionBoundary)")
	}
	denied := false
	for _, st := range get(res["FunctionBoundary"], "Properties", "PolicyDocument", "Statement").Content {
		if text(get(st, "Effect")) == "Deny" && slices.Contains(scalars(get(st, "Action")), "logs:PutLogEvents") &&
			strings.Contains(text(get(st, "NotResource")), "log-group:/aws/lambda/${!aws:PrincipalTag/portal-function}:*") {
			denied = true
		}
	}
	if !denied {
		t.Error("the boundary does not deny writing another function's log group")
	}
	for _, id := range ofType(res, "AWS::Serverless::Function") {
		p := get(res[id], "Properties")
		name := text(get(p, "FunctionName"))
		if name == "" || text(get(p, "Tags", "portal-function")) != name {
			t.Errorf("function %s: its portal-function tag %q is not its name %q", id, text(get(p, "Tags", "portal-function")), name)
		}
	}
}

// The alarms a person must hear, each with the topic as its action and
// no setting that would keep it quiet.
func TestTheAlarmsThatMustPage(t *testing.T) {
	doc := document(t)
	res := load(t)
	pages := func(id string) bool {
		return slices.Contains(scalars(get(res[id], "Properties", "AlarmActions")), "!Ref AlarmTopic")
	}
	for _, id := range []string{"Api5xxAlarm", "ApiLatencyAlarm", "InternalProblemsAlarm", "DeniedRequestsAlarm", "MalwareFoundAlarm",
		"MemberSearchLimitAlarm"} {
		if res[id] == nil || !pages(id) {
			t.Errorf("%s is missing or pages no one", id)
		}
	}
	// Every outbox the code sweeps: stuck events page, and a sweep that
	// stops reporting is stuck too.
	for _, outbox := range []string{"documents", "authorizations", "disputes", "appeals", "letters"} {
		found := false
		for _, id := range alarmsOn(res, "OldestUndeliveredEventAge", "Outbox", outbox) {
			found = found || text(get(res[id], "Properties", "TreatMissingData")) == "breaching"
		}
		if !found {
			t.Errorf("the %s outbox has no stuck alarm that treats missing data as breaching", outbox)
		}
	}
	// Dead letters page when they arrive (threshold 0) and before the
	// queue's 14 days drop them.
	for _, id := range ofType(res, "AWS::SQS::Queue") {
		if get(res[id], "Properties", "RedrivePolicy") != nil {
			continue // a source queue; its dead-letter queue is checked
		}
		dim := "!GetAtt " + id + ".QueueName"
		arrival := false
		for _, a := range alarmsOn(res, "ApproximateNumberOfMessagesVisible", "QueueName", dim) {
			arrival = arrival || number(get(res[a], "Properties", "Threshold")) == 0
		}
		if !arrival {
			t.Errorf("dead-letter queue %s: no alarm with threshold 0 on the messages in it", id)
		}
		expiring := false
		for _, a := range alarmsOn(res, "ApproximateAgeOfOldestMessage", "QueueName", dim) {
			expiring = expiring || number(get(res[a], "Properties", "Threshold")) <= 10*24*3600
		}
		if !expiring {
			t.Errorf("dead-letter queue %s: no alarm on its oldest message before 10 days", id)
		}
	}
	// Function errors and throttles: any, within 5 minutes.
	for _, id := range ofType(res, "AWS::CloudWatch::Alarm") {
		p := get(res[id], "Properties")
		if m := text(get(p, "MetricName")); (m == "Errors" || m == "Throttles") && text(get(p, "Namespace")) == "AWS/Lambda" {
			if number(get(p, "Period")) > 300 || number(get(p, "EvaluationPeriods")) > 1 || number(get(p, "Threshold")) != 0 {
				t.Errorf("%s: %s over %s s x %s, threshold %s: want any in 5 minutes", id, m, text(get(p, "Period")), text(get(p, "EvaluationPeriods")), text(get(p, "Threshold")))
			}
		}
	}
	// A scheduled job that stops running pages.
	for _, id := range ofType(res, "AWS::Serverless::Function") {
		events := get(res[id], "Properties", "Events")
		scheduled := false
		for i := 0; events != nil && i+1 < len(events.Content); i += 2 {
			scheduled = scheduled || text(get(events.Content[i+1], "Type")) == "Schedule"
		}
		if !scheduled {
			continue
		}
		ok := false
		for _, a := range alarmsOn(res, "Invocations", "FunctionName", "!Ref "+id) {
			p := get(res[a], "Properties")
			ok = ok || (text(get(p, "ComparisonOperator")) == "LessThanThreshold" && text(get(p, "TreatMissingData")) == "breaching")
		}
		if !ok {
			t.Errorf("scheduled function %s: no alarm when it stops running", id)
		}
	}
	// And someone is subscribed in prod.
	if !prodRuleRequires(doc, "AlarmEmail") {
		t.Error("no rule refuses a prod deploy without AlarmEmail")
	}
	if text(get(res["AlarmEmailSubscription"], "Properties", "TopicArn")) != "!Ref AlarmTopic" {
		t.Error("AlarmEmail is not subscribed to the alarm topic")
	}
}

// The dashboard an operator opens first shows every alarm's state, every
// queue and dead-letter queue, and each workflow's outbox.
func TestTheDashboardShowsEveryAlarmQueueAndOutbox(t *testing.T) {
	res := load(t)
	var body struct {
		Widgets []struct {
			Type       string `json:"type"`
			Properties struct {
				Alarms  []string `json:"alarms"`
				Metrics [][]any  `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	b := get(res["Dashboard"], "Properties", "DashboardBody")
	if b == nil {
		t.Fatal("no dashboard")
	}
	if err := json.Unmarshal([]byte(b.Value), &body); err != nil {
		t.Fatalf("the dashboard's body: %v", err)
	}
	shown := map[string]bool{}
	for _, w := range body.Widgets {
		for _, a := range w.Properties.Alarms {
			if w.Type != "alarm" {
				break
			}
			if _, name, ok := strings.Cut(a, ":alarm:"); ok {
				shown["alarm "+name] = true
			}
		}
		for _, m := range w.Properties.Metrics {
			for i := 0; i+1 < len(m); i++ {
				if k, _ := m[i].(string); k == "QueueName" || k == "Outbox" {
					shown[k+" "+fmt.Sprint(m[i+1])] = true
				}
			}
		}
	}
	for _, id := range ofType(res, "AWS::CloudWatch::Alarm") {
		if get(res[id], "Condition") != nil {
			continue // may not exist
		}
		name := strings.TrimPrefix(text(get(res[id], "Properties", "AlarmName")), "!Sub ")
		if !shown["alarm "+name] {
			t.Errorf("the alarm %s (%s) is not on the dashboard's alarm widget", id, name)
		}
	}
	for _, id := range ofType(res, "AWS::SQS::Queue") {
		if !shown["QueueName ${"+id+".QueueName}"] {
			t.Errorf("the queue %s is on no dashboard widget", id)
		}
	}
	for _, outbox := range []string{"documents", "authorizations", "disputes", "appeals", "letters"} {
		if !shown["Outbox "+outbox] {
			t.Errorf("the %s outbox is on no dashboard widget", outbox)
		}
	}
}

// prodRuleRequires says whether a rule, on Stage prod, asserts that the
// parameter is not empty.
func prodRuleRequires(doc *node, param string) bool {
	rules := get(doc, "Rules")
	for i := 0; rules != nil && i+1 < len(rules.Content); i += 2 {
		r := rules.Content[i+1]
		cond := get(r, "RuleCondition")
		if cond == nil || !strings.Contains(flat(cond), "!Ref Stage prod") {
			continue
		}
		for _, a := range get(r, "Assertions").Content {
			f := flat(get(a, "Assert"))
			if strings.HasPrefix(f, "!Not") && strings.Contains(f, "!Ref "+param+" ") {
				return true
			}
		}
	}
	return false
}

// flat writes a node and its children as one line of tags and values,
// one space apart ("!Equals !Ref Stage prod").
func flat(n *node) string {
	var tokens []string
	var walk func(*node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			tokens = append(tokens, n.Tag)
		}
		if n.Value != "" {
			tokens = append(tokens, n.Value)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(tokens, " ") + " "
}

func number(n *node) float64 {
	f, err := strconv.ParseFloat(text(n), 64)
	if err != nil {
		return -1
	}
	return f
}

// TLS everywhere: every bucket refuses plain HTTP; viewers get TLS 1.2 or
// later, on the portal's own domain, which prod must have.
func TestTLSEverywhere(t *testing.T) {
	doc := document(t)
	res := load(t)
	tlsOnly := map[string]bool{}
	for _, id := range ofType(res, "AWS::S3::BucketPolicy") {
		p := get(res[id], "Properties")
		bucket := strings.TrimPrefix(text(get(p, "Bucket")), "!Ref ")
		for _, st := range get(p, "PolicyDocument", "Statement").Content {
			if text(get(st, "Effect")) == "Deny" && text(get(st, "Principal")) == "*" && slices.Contains(scalars(get(st, "Action")), "s3:*") &&
				text(get(st, "Condition", "Bool", "aws:SecureTransport")) == "false" && len(scalars(get(st, "Resource"))) == 2 {
				tlsOnly[bucket] = true
			}
		}
	}
	for _, id := range ofType(res, "AWS::S3::Bucket") {
		if !tlsOnly[id] {
			t.Errorf("bucket %s does not refuse requests without TLS (bucket and objects)", id)
		}
	}
	cfg := get(res["PortalDistribution"], "Properties", "DistributionConfig")
	cert := get(cfg, "ViewerCertificate")
	if !strings.Contains(flat(cert), "MinimumProtocolVersion TLSv1.2_2021") {
		t.Errorf("viewers on the portal's domain may use TLS below 1.2: %s", flat(cert))
	}
	for _, param := range []string{"PortalDomainName", "PortalCertificateArn"} {
		if !prodRuleRequires(doc, param) {
			t.Errorf("no rule refuses a prod deploy without %s", param)
		}
	}
	for _, o := range get(cfg, "Origins").Content {
		if c := get(o, "CustomOriginConfig"); c != nil && !slices.Equal(scalars(get(c, "OriginSSLProtocols")), []string{"TLSv1.2"}) {
			t.Errorf("origin %s accepts TLS below 1.2", text(get(o, "Id")))
		}
	}
}

// Sign-in and the front door: MFA and threat protection on the pool, the
// JWT authorizer on every route but the OpenAPI document, the web ACL on
// the distribution, and the API behind it.
func TestSignInAndTheFrontDoor(t *testing.T) {
	res := load(t)
	pool := get(res["ProviderUserPool"], "Properties")
	if text(get(pool, "MfaConfiguration")) != "ON" {
		t.Error("the user pool does not require MFA")
	}
	if text(get(pool, "UserPoolAddOns", "AdvancedSecurityMode")) != "ENFORCED" {
		t.Error("the user pool's threat protection is not enforced")
	}
	if text(get(res["HttpApi"], "Properties", "Auth", "DefaultAuthorizer")) != "ProviderJwt" {
		t.Error("the API has no default authorizer")
	}
	// The public routes: the OpenAPI document, the FHIR CapabilityStatement,
	// and the system token function's endpoint and discovery (a client
	// authenticates to the token endpoint with its signed assertion). The
	// FHIR operations take the system clients' tokens, and only they do.
	publicRoutes := map[string]string{
		"GET /openapi.yaml": "", "GET /fhir/metadata": "AuthorizationsFunction",
		"POST /fhir/auth/token": "SystemAuthFunction", "GET /fhir/.well-known/smart-configuration": "SystemAuthFunction",
		"GET /fhir/.well-known/openid-configuration": "SystemAuthFunction", "GET /fhir/.well-known/jwks.json": "SystemAuthFunction",
	}
	systemRoutes := map[string]bool{"POST /fhir/Claim/{operation}": true, "POST /fhir/Subscription": true,
		"GET /fhir/Subscription/{subscriptionId}": true, "DELETE /fhir/Subscription/{subscriptionId}": true}
	public, system := 0, 0
	for _, id := range ofType(res, "AWS::Serverless::Function") {
		events := get(res[id], "Properties", "Events")
		for i := 0; events != nil && i+1 < len(events.Content); i += 2 {
			e := get(events.Content[i+1], "Properties")
			route := text(get(e, "Method")) + " " + text(get(e, "Path"))
			if a := get(e, "Auth"); a != nil {
				fn, ok := publicRoutes[route]
				if text(get(a, "Authorizer")) == "NONE" && ok && (fn == "" || fn == id) {
					public++
					continue
				}
				if text(get(a, "Authorizer")) == "SystemJwt" && id == "AuthorizationsFunction" && systemRoutes[route] {
					system++
					continue
				}
				t.Errorf("function %s, route %s: its own Auth (%s), not the default authorizer", id, route, flat(a))
			} else if strings.HasPrefix(text(get(e, "Path")), "/fhir/") {
				t.Errorf("function %s, route %s: a FHIR route with the portal users' authorizer, not SystemJwt", id, route)
			}
		}
	}
	if public != len(publicRoutes) || system != len(systemRoutes) {
		t.Errorf("%d public routes and %d for systems, want exactly %d (%v) and %d (%v)", public, system, len(publicRoutes),
			slices.Sorted(maps.Keys(publicRoutes)), len(systemRoutes), slices.Sorted(maps.Keys(systemRoutes)))
	}
	// The system clients' tokens are the token function's: the authorizer
	// trusts its issuer, for its audience.
	sysJwt := get(res["HttpApi"], "Properties", "Auth", "Authorizers", "SystemJwt", "JwtConfiguration")
	env := get(res["SystemAuthFunction"], "Properties", "Environment", "Variables")
	if flat(get(sysJwt, "issuer")) != flat(get(env, "SYSTEM_ISSUER")) || flat(get(sysJwt, "audience")) != flat(get(env, "SYSTEM_AUDIENCE")) {
		t.Errorf("the SystemJwt authorizer (%s, %s) does not trust the token function's issuer and audience (%s, %s)",
			flat(get(sysJwt, "issuer")), flat(get(sysJwt, "audience")), flat(get(env, "SYSTEM_ISSUER")), flat(get(env, "SYSTEM_AUDIENCE")))
	}
	cfg := get(res["PortalDistribution"], "Properties", "DistributionConfig")
	if f := flat(get(cfg, "WebACLId")); !strings.Contains(f, "PortalWebAcl.Arn") || !strings.Contains(f, "!Ref WebAclArn") {
		t.Errorf("the distribution has no web ACL: %q", f)
	}
	verified := false
	for _, o := range get(cfg, "Origins").Content {
		if text(get(o, "Id")) != "api" {
			continue
		}
		for _, h := range get(o, "OriginCustomHeaders").Content {
			verified = verified || (text(get(h, "HeaderName")) == "X-Origin-Verify" && strings.Contains(text(get(h, "HeaderValue")), "OriginVerifySecret"))
		}
	}
	if !verified {
		t.Error("the API origin carries no X-Origin-Verify secret: the execute-api address would go around the web ACL")
	}
}

// Keys: administrators neither use the key nor grant its use, and its
// policy changes only through the stack; use is always conditioned.
func TestKeysSeparateDuties(t *testing.T) {
	res := load(t)
	keys := ofType(res, "AWS::KMS::Key")
	if len(keys) < 2 {
		t.Fatalf("keys %v: want the data key and the audit key", keys)
	}
	use := []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant", "kms:PutKeyPolicy", "kms:Sign", "kms:GetPublicKey"}
	for _, id := range keys {
		for _, st := range get(res[id], "Properties", "KeyPolicy", "Statement").Content {
			sid := text(get(st, "Sid"))
			for _, a := range scalars(get(st, "Action")) {
				if strings.Contains(a, "*") {
					t.Errorf("key %s, statement %s: the wildcard %q (kms:Create* is CreateGrant, kms:Put* PutKeyPolicy)", id, sid, a)
				}
				if slices.Contains(use, a) && get(st, "Condition") == nil {
					t.Errorf("key %s, statement %s: %s with no condition", id, sid, a)
				}
			}
		}
	}
}

// Files enter the attachments bucket only where they are checked: under
// the upload prefix (scanned, then checked by the processor), written by
// the two doors that take documents, the portal's upload forms and the
// documents inside a PAS request; the plan's own letters under letters/.
// No function writes anywhere else in it.
func TestFilesEnterTheAttachmentsBucketOnlyWhereTheyAreChecked(t *testing.T) {
	res := load(t)
	const uploads, letters = "!Sub ${AttachmentsBucket.Arn}/${UploadPrefix}*", "!Sub ${AttachmentsBucket.Arn}/letters/*"
	var writers []string
	for _, id := range ofType(res, "AWS::Serverless::Function") {
		for _, pol := range get(res[id], "Properties", "Policies").Content {
			for _, st := range get(pol, "Statement").Content {
				if !slices.Contains(scalars(get(st, "Action")), "s3:PutObject") {
					continue
				}
				for _, r := range scalars(get(st, "Resource")) {
					switch {
					case !strings.Contains(r, "AttachmentsBucket"):
					case r == uploads:
						writers = append(writers, id)
					case r != letters:
						t.Errorf("function %s writes %q in the attachments bucket: only under the upload prefix, or letters/", id, r)
					}
				}
			}
		}
	}
	slices.Sort(writers)
	if want := []string{"AuthorizationsFunction", "UploadsFunction"}; !slices.Equal(writers, want) {
		t.Errorf("the functions that write uploads are %v, want %v", writers, want)
	}
}

// The inbound queues take messages only from the senders named as
// parameters.
func TestInboundQueuesTakeOnlyTheirSenders(t *testing.T) {
	res := load(t)
	for queue, param := range map[string]string{"ClaimsFeedQueue": "ClaimsFeedSenderArns",
		"AuthorizationDecisionsQueue": "AuthorizationDecisionSenderArns", "CaseDecisionsQueue": "CaseDecisionSenderArns"} {
		ok := false
		for _, id := range ofType(res, "AWS::SQS::QueuePolicy") {
			p := get(res[id], "Properties")
			if !slices.Contains(scalars(get(p, "Queues")), "!Ref "+queue) {
				continue
			}
			for _, st := range get(p, "PolicyDocument", "Statement").Content {
				if text(get(st, "Effect")) == "Deny" && text(get(st, "Principal")) == "*" && slices.Contains(scalars(get(st, "Action")), "sqs:SendMessage") &&
					strings.Contains(flat(get(st, "Condition")), "ArnNotEquals aws:PrincipalArn !Ref "+param) {
					ok = true
				}
			}
		}
		if !ok {
			t.Errorf("queue %s takes messages from senders other than %s", queue, param)
		}
	}
}

// No uploaded file is checked, served or forwarded before its malware
// scan: GuardDuty scans the upload prefix; its results, and nothing else,
// reach the upload queue the processor reads; the bucket notifies no queue,
// topic or function directly. The scan's role names its actions.
func TestEveryUploadIsScannedBeforeItIsChecked(t *testing.T) {
	res := load(t)
	var plans []string
	for _, id := range ofType(res, "AWS::GuardDuty::MalwareProtectionPlan") {
		b := get(res[id], "Properties", "ProtectedResource", "S3Bucket")
		if text(get(b, "BucketName")) == "!Ref AttachmentsBucket" && slices.Equal(scalars(get(b, "ObjectPrefixes")), []string{"!Ref UploadPrefix"}) {
			plans = append(plans, id)
		}
		role := strings.TrimSuffix(strings.TrimPrefix(text(get(res[id], "Properties", "Role")), "!GetAtt "), ".Arn")
		if res[role] == nil {
			t.Errorf("the plan %s scans with a role this stack does not declare: %s", id, role)
			continue
		}
		for _, st := range get(res[role], "Properties", "Policies").Content {
			for _, s := range get(st, "PolicyDocument", "Statement").Content {
				for _, a := range scalars(get(s, "Action")) {
					if strings.Contains(a, "*") {
						t.Errorf("the scan's role: the action %q is a wildcard", a)
					}
				}
			}
		}
	}
	if len(plans) != 1 {
		t.Fatalf("no malware protection plan scans the attachments bucket's upload prefix (and only it): %v", plans)
	}
	nc := get(res["AttachmentsBucket"], "Properties", "NotificationConfiguration")
	for _, direct := range []string{"QueueConfigurations", "TopicConfigurations", "LambdaConfigurations"} {
		if get(nc, direct) != nil {
			t.Errorf("the attachments bucket's %s reach a consumer before the scan", direct)
		}
	}
	if text(get(nc, "EventBridgeConfiguration", "EventBridgeEnabled")) != "true" {
		t.Error("the attachments bucket does not send its events to EventBridge, which the scan hears them through")
	}
	var rules []string
	for _, id := range ofType(res, "AWS::Events::Rule") {
		p := get(res[id], "Properties")
		if !slices.Contains(scalars(get(p, "EventPattern", "resources")), "!GetAtt "+plans[0]+".Arn") ||
			!slices.Contains(scalars(get(p, "EventPattern", "detail-type")), "GuardDuty Malware Protection Object Scan Result") {
			continue
		}
		for _, tg := range get(p, "Targets").Content {
			if text(get(tg, "Arn")) == "!GetAtt UploadQueue.Arn" {
				rules = append(rules, id)
			}
		}
	}
	if len(rules) != 1 {
		t.Fatalf("no rule sends the scan's results to the upload queue: %v", rules)
	}
	if text(get(res["UploadsMapping"], "Properties", "EventSourceArn")) != "!GetAtt UploadQueue.Arn" ||
		text(get(res["UploadsMapping"], "Properties", "FunctionName")) != "!Ref AttachmentProcessorFunction" {
		t.Error("the attachment processor does not read the upload queue")
	}
	for _, id := range ofType(res, "AWS::SQS::QueuePolicy") {
		p := get(res[id], "Properties")
		if !slices.Contains(scalars(get(p, "Queues")), "!Ref UploadQueue") {
			continue
		}
		for _, st := range get(p, "PolicyDocument", "Statement").Content {
			if text(get(st, "Effect")) != "Allow" {
				continue
			}
			if c := flat(get(st, "Condition")); !strings.Contains(c, "ArnEquals aws:SourceArn !GetAtt "+rules[0]+".Arn") {
				t.Errorf("the upload queue takes messages from more than the scan results rule: %s %s", flat(get(st, "Principal")), c)
			}
		}
	}
}

// Backups outlive a bad day in the region and a bad actor in the account:
// every table and the documents bucket are backed up into a vault locked
// in compliance mode in prod, copied to another region's vault (which prod
// must name), and a failed backup pages.
func TestBackupsAreLockedCopiedAndWatched(t *testing.T) {
	doc := document(t)
	res := load(t)
	var selected []string
	for _, id := range ofType(res, "AWS::Backup::BackupSelection") {
		selected = append(selected, scalars(get(res[id], "Properties", "BackupSelection", "Resources"))...)
	}
	for _, id := range append(ofType(res, "AWS::DynamoDB::Table"), "AttachmentsBucket") {
		if !slices.Contains(selected, "!GetAtt "+id+".Arn") {
			t.Errorf("%s is in no backup selection", id)
		}
	}
	vaults := ofType(res, "AWS::Backup::BackupVault")
	if len(vaults) != 1 {
		t.Fatalf("want one backup vault, have %v", vaults)
	}
	lock := get(res[vaults[0]], "Properties", "LockConfiguration")
	if !strings.Contains(flat(get(lock, "ChangeableForDays")), "!If IsProd") || number(get(lock, "MinRetentionDays")) < 7 {
		t.Errorf("the vault is not locked in compliance mode in prod: %s", flat(lock))
	}
	for _, id := range ofType(res, "AWS::Backup::BackupPlan") {
		rules := get(res[id], "Properties", "BackupPlan", "BackupPlanRule")
		if rules == nil || len(rules.Content) == 0 {
			t.Errorf("%s has no rules", id)
			continue
		}
		for _, r := range rules.Content {
			if text(get(r, "TargetBackupVault")) != "!Ref "+vaults[0] || !strings.Contains(flat(get(r, "CopyActions")), "DestinationBackupVaultArn !Ref BackupCopyVaultArn") {
				t.Errorf("%s: the rule %s does not back up into the vault and copy to BackupCopyVaultArn", id, text(get(r, "RuleName")))
			}
		}
	}
	if !prodRuleRequires(doc, "BackupCopyVaultArn") {
		t.Error("no rule refuses a prod deploy without BackupCopyVaultArn")
	}
	pages := false
	for _, id := range ofType(res, "AWS::Events::Rule") {
		p := get(res[id], "Properties")
		if slices.Contains(scalars(get(p, "EventPattern", "source")), "aws.backup") &&
			slices.Contains(scalars(get(p, "EventPattern", "detail", "state")), "FAILED") {
			for _, tg := range get(p, "Targets").Content {
				pages = pages || text(get(tg, "Arn")) == "!Ref AlarmTopic"
			}
		}
	}
	if !pages {
		t.Error("a failed backup pages no one")
	}
}

// The audit trail cannot be erased: in prod always, from every region,
// validated, under the audit key, in a bucket locked in compliance mode.
func TestTheAuditTrailCannotBeErased(t *testing.T) {
	doc := document(t)
	res := load(t)
	trail := get(res["DocumentAccessTrail"], "Properties")
	for prop, want := range map[string]string{"IsMultiRegionTrail": "true", "EnableLogFileValidation": "true", "IsLogging": "true",
		"KMSKeyId": "!GetAtt AuditKey.Arn", "S3BucketName": "!Ref AuditTrailBucket"} {
		if got := text(get(trail, prop)); got != want {
			t.Errorf("the trail's %s is %q, want %q", prop, got, want)
		}
	}
	if c := flat(get(doc, "Conditions", text(get(res["DocumentAccessTrail"], "Condition")))); !strings.Contains(c, "!Condition IsProd") {
		t.Errorf("the trail is not always on in prod: %s", c)
	}
	lock := get(res["AuditTrailBucket"], "Properties", "ObjectLockConfiguration", "Rule", "DefaultRetention")
	if text(get(lock, "Mode")) != "COMPLIANCE" || text(get(lock, "Days")) != "!Ref AuditLogRetentionDays" {
		t.Errorf("the audit trail bucket is not locked in compliance mode for the retention: %s", flat(lock))
	}
	delivered := false
	for _, id := range ofType(res, "AWS::Logs::DeliveryDestination") {
		delivered = delivered || strings.Contains(text(get(res[id], "Properties", "DestinationResourceArn")), "AuditTrailBucket.Arn")
	}
	if !delivered {
		t.Error("CloudFront's access logs are not delivered to the audit trail bucket")
	}
}

// The README's operations and cost sections count what the template has:
// a change that adds an alarm, a queue or a job and leaves the README
// behind fails here.
func TestTheREADMECountsWhatTheTemplateHas(t *testing.T) {
	res := load(t)
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(b)), " ")
	scheduled := 0
	for _, id := range ofType(res, "AWS::Serverless::Function") {
		events := get(res[id], "Properties", "Events")
		for i := 0; events != nil && i+1 < len(events.Content); i += 2 {
			if text(get(events.Content[i+1], "Type")) == "Schedule" {
				scheduled++
			}
		}
	}
	for phrase, want := range map[string]int{
		`(\d+) CloudWatch alarms`:     len(ofType(res, "AWS::CloudWatch::Alarm")),
		`(\d+) SQS queues`:            len(ofType(res, "AWS::SQS::Queue")),
		`(\d+) scheduled jobs`:        scheduled,
		`(\d+) event source mappings`: len(ofType(res, "AWS::Lambda::EventSourceMapping")),
	} {
		ms := regexp.MustCompile(phrase).FindAllStringSubmatch(readme, -1)
		if len(ms) == 0 {
			t.Errorf("the README does not say %q", phrase)
		}
		for _, m := range ms {
			if got, _ := strconv.Atoi(m[1]); got != want {
				t.Errorf("the README says %q; the template has %d", m[0], want)
			}
		}
	}
}
