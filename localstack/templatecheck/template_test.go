// Package templatecheck holds the rules every resource of template.yaml
// must keep, checked on the file itself, so that a workflow added later
// cannot skip them: alarms with actions on every dead-letter queue and
// function, retained log groups, bounded concurrency, retained and
// recoverable tables, no account-wide queue access, DynamoDB grants that
// name each table and index; and what a security reviewer signs off on
// (rules_test.go): policies that name their actions and resources, each
// function in its own log group, the alarms that must page, TLS, sign-in
// and the front door, keys with separated duties, inbound queues that
// take only their senders, an audit trail no one can erase. Each rule is
// checked by mutation (mutation_test.go): every weakening listed there
// must make a test fail.
package templatecheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

// node is a template value: intrinsics are kept as their tag and value
// ("!Ref X", "!GetAtt X.Arn").
type node = yaml.Node

// templateEnv names a template to check instead of the project's: the
// mutation test (mutation_test.go) points it at a weakened copy.
const templateEnv = "TEMPLATECHECK_TEMPLATE"

func templatePath() string {
	if p := os.Getenv(templateEnv); p != "" {
		return p
	}
	return filepath.Join("..", "..", "template.yaml")
}

// parsed holds each template read, by path: the tests only read it, and
// the mutation test's child runs (under the race detector in make test)
// would otherwise parse it once per test.
var parsed sync.Map

// document is the whole template (Rules, Globals and Resources).
func document(t *testing.T) *node {
	t.Helper()
	path := templatePath()
	if doc, ok := parsed.Load(path); ok {
		return doc.(*node)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	parsed.Store(path, doc.Content[0])
	return doc.Content[0]
}

func load(t *testing.T) map[string]*node {
	t.Helper()
	res := get(document(t), "Resources")
	out := map[string]*node{}
	for i := 0; i+1 < len(res.Content); i += 2 {
		out[res.Content[i].Value] = res.Content[i+1]
	}
	return out
}

// get follows mapping keys; nil where one is missing.
func get(n *node, path ...string) *node {
	for _, k := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

// text is a scalar as written, an intrinsic with its tag.
func text(n *node) string {
	if n == nil {
		return ""
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return n.Tag + " " + n.Value
	}
	return n.Value
}

func ofType(res map[string]*node, typ string) []string {
	var ids []string
	for id, r := range res {
		if text(get(r, "Type")) == typ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// alarmsOn lists the alarms on metric whose dimension dim is value, that
// notify someone.
func alarmsOn(res map[string]*node, metric, dim, value string) []string {
	var out []string
	for _, id := range ofType(res, "AWS::CloudWatch::Alarm") {
		p := get(res[id], "Properties")
		if !slices.Contains(scalars(get(p, "AlarmActions")), "!Ref AlarmTopic") {
			continue
		}
		for _, m := range alarmMetrics(p) {
			if text(get(m, "MetricName")) != metric {
				continue
			}
			for _, d := range get(m, "Dimensions").Content {
				if text(get(d, "Name")) == dim && text(get(d, "Value")) == value {
					out = append(out, id)
				}
			}
		}
	}
	return out
}

// alarmMetrics are the metrics an alarm reads: its own (MetricName and
// Dimensions on the alarm) or each of a metric math alarm's.
func alarmMetrics(p *node) []*node {
	if get(p, "MetricName") != nil {
		return []*node{p}
	}
	var out []*node
	if ms := get(p, "Metrics"); ms != nil {
		for _, m := range ms.Content {
			if metric := get(m, "MetricStat", "Metric"); metric != nil {
				out = append(out, metric)
			}
		}
	}
	return out
}

func retained(r *node) bool {
	return text(get(r, "DeletionPolicy")) == "Retain" && text(get(r, "UpdateReplacePolicy")) == "Retain"
}

func TestEveryQueueHasADeadLetterQueueThatAlarms(t *testing.T) {
	res := load(t)
	dlqs := map[string]bool{}
	for _, id := range ofType(res, "AWS::SQS::Queue") {
		if target := text(get(res[id], "Properties", "RedrivePolicy", "deadLetterTargetArn")); target != "" {
			dlqs[strings.TrimSuffix(strings.TrimPrefix(target, "!GetAtt "), ".Arn")] = true
		}
	}
	for _, id := range ofType(res, "AWS::SQS::Queue") {
		p := get(res[id], "Properties")
		if !dlqs[id] && get(p, "RedrivePolicy") == nil {
			t.Errorf("queue %s has no dead-letter queue", id)
		}
		if dlqs[id] && len(alarmsOn(res, "ApproximateNumberOfMessagesVisible", "QueueName", "!GetAtt "+id+".QueueName")) == 0 {
			t.Errorf("dead-letter queue %s has no alarm with actions", id)
		}
		if !dlqs[id] && len(alarmsOn(res, "ApproximateAgeOfOldestMessage", "QueueName", "!GetAtt "+id+".QueueName")) == 0 {
			t.Errorf("queue %s has no alarm on the age of its oldest message", id)
		}
		if text(get(p, "MessageRetentionPeriod")) != "1209600" {
			t.Errorf("queue %s keeps messages less than 14 days", id)
		}
	}
	// Every queue refuses requests without TLS.
	tlsOnly := map[string]bool{}
	for _, id := range ofType(res, "AWS::SQS::QueuePolicy") {
		p := get(res[id], "Properties")
		denies := false
		for _, st := range get(p, "PolicyDocument", "Statement").Content {
			denies = denies || (text(get(st, "Effect")) == "Deny" && text(get(st, "Condition", "Bool", "aws:SecureTransport")) == "false")
		}
		for _, q := range get(p, "Queues").Content {
			tlsOnly[strings.TrimPrefix(text(q), "!Ref ")] = denies
		}
	}
	for _, id := range ofType(res, "AWS::SQS::Queue") {
		if !tlsOnly[id] {
			t.Errorf("queue %s does not refuse requests without TLS", id)
		}
	}
}

func TestEveryFunctionAlarmsKeepsItsLogsAndIsBounded(t *testing.T) {
	res := load(t)
	logs := map[string]*node{}
	for _, id := range ofType(res, "AWS::Logs::LogGroup") {
		logs[text(get(res[id], "Properties", "LogGroupName"))] = res[id]
	}
	mapped := map[string]*node{}
	for _, id := range ofType(res, "AWS::Lambda::EventSourceMapping") {
		p := get(res[id], "Properties")
		mapped[strings.TrimPrefix(text(get(p, "FunctionName")), "!Ref ")] = p
	}
	throttled := get(res["HttpApi"], "Properties", "DefaultRouteSettings", "ThrottlingRateLimit") != nil
	for _, id := range ofType(res, "AWS::Serverless::Function") {
		p := get(res[id], "Properties")
		for _, metric := range []string{"Errors", "Throttles"} {
			if len(alarmsOn(res, metric, "FunctionName", "!Ref "+id)) == 0 {
				t.Errorf("function %s has no %s alarm with actions", id, metric)
			}
		}
		lg := logs["!Sub /aws/lambda/${"+id+"}"]
		if lg == nil || !retained(lg) || get(lg, "Properties", "RetentionInDays") == nil {
			t.Errorf("function %s has no retained log group with a retention", id)
		}
		// Bounded: a queue trigger by its mapping's MaximumConcurrency, a
		// schedule by reserved concurrency, an API route by the API's throttling.
		events := get(p, "Events")
		var kinds []string
		for i := 0; events != nil && i+1 < len(events.Content); i += 2 {
			kinds = append(kinds, text(get(events.Content[i+1], "Type")))
		}
		if slices.Contains(kinds, "SQS") {
			t.Errorf("function %s has a SAM SQS event, which grants it every queue in the account: use an event source mapping", id)
		}
		switch {
		case mapped[id] != nil:
			if get(mapped[id], "ScalingConfig", "MaximumConcurrency") == nil {
				t.Errorf("function %s: its event source mapping has no MaximumConcurrency", id)
			}
		case slices.Contains(kinds, "Schedule"):
			if get(p, "ReservedConcurrentExecutions") == nil {
				t.Errorf("scheduled function %s has no reserved concurrency", id)
			}
		case slices.Contains(kinds, "HttpApi"):
			if !throttled {
				t.Errorf("function %s serves an API without throttling", id)
			}
		default:
			t.Errorf("function %s has no trigger this test knows how to bound", id)
		}
		// No statement of its own grants queue actions on every queue.
		for _, pol := range get(p, "Policies").Content {
			for _, st := range get(pol, "Statement").Content {
				actions := strings.Join(scalars(get(st, "Action")), " ")
				if strings.Contains(actions, "sqs:") && slices.Contains(scalars(get(st, "Resource")), "*") {
					t.Errorf("function %s may use every queue in the account", id)
				}
			}
		}
	}
}

// A function's DynamoDB grants name each table and each index they reach:
// never every table, nor every index of one, so that an index added later
// (with its own key, perhaps another provider's) is not granted unasked.
func TestDynamoDBGrantsNameTheirTablesAndIndexes(t *testing.T) {
	res := load(t)
	indexes := map[string][]string{} // table -> its indexes
	for _, id := range ofType(res, "AWS::DynamoDB::Table") {
		indexes[id] = []string{}
		gsis := get(res[id], "Properties", "GlobalSecondaryIndexes")
		if gsis == nil {
			continue
		}
		for _, gsi := range gsis.Content {
			indexes[id] = append(indexes[id], text(get(gsi, "IndexName")))
		}
	}
	grants := 0
	for _, id := range ofType(res, "AWS::Serverless::Function") {
		pols := get(res[id], "Properties", "Policies")
		if pols == nil {
			continue
		}
		for _, pol := range pols.Content {
			sts := get(pol, "Statement")
			if sts == nil {
				continue // a managed policy, by name
			}
			for _, st := range sts.Content {
				if !strings.Contains(strings.Join(scalars(get(st, "Action")), " "), "dynamodb:") {
					continue
				}
				for _, r := range scalars(get(st, "Resource")) {
					grants++
					var table, index string
					switch {
					case strings.HasPrefix(r, "!GetAtt ") && strings.HasSuffix(r, ".Arn"):
						table = strings.TrimSuffix(strings.TrimPrefix(r, "!GetAtt "), ".Arn")
					case strings.HasPrefix(r, "!Sub ${") && strings.Contains(r, ".Arn}/index/"):
						table, index, _ = strings.Cut(strings.TrimPrefix(r, "!Sub ${"), ".Arn}/index/")
					}
					known, isTable := indexes[table]
					switch {
					case !isTable:
						t.Errorf("function %s: a DynamoDB grant on %q, not one table of the stack", id, r)
					case r != "!GetAtt "+table+".Arn" && !slices.Contains(known, index):
						t.Errorf("function %s: a DynamoDB grant on %q, not one index of %s (%v)", id, r, table, known)
					}
				}
			}
		}
	}
	if grants < 20 {
		t.Fatalf("read %d DynamoDB grants: the template was not read", grants)
	}
}

func scalars(n *node) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.SequenceNode {
		var out []string
		for _, c := range n.Content {
			out = append(out, text(c))
		}
		return out
	}
	return []string{text(n)}
}

func TestWhatHoldsPHIOutlivesTheStack(t *testing.T) {
	res := load(t)
	for _, id := range ofType(res, "AWS::DynamoDB::Table") {
		if !retained(res[id]) {
			t.Errorf("table %s is deleted with the stack", id)
		}
		if text(get(res[id], "Properties", "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled")) != "true" {
			t.Errorf("table %s has no point-in-time recovery", id)
		}
	}
	// Queues hold messages about members' claims; the secrets sign what
	// clients hold (cursors) and guard the API's origin.
	for _, typ := range []string{"AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::SQS::Queue", "AWS::SecretsManager::Secret"} {
		for _, id := range ofType(res, typ) {
			if !retained(res[id]) {
				t.Errorf("%s %s is deleted with the stack", typ, id)
			}
		}
	}
	// The key policy separates administrators from users.
	for _, id := range ofType(res, "AWS::KMS::Key") {
		for _, st := range get(res[id], "Properties", "KeyPolicy", "Statement").Content {
			actions := scalars(get(st, "Action"))
			if slices.Contains(actions, "kms:*") {
				t.Errorf("key %s grants kms:* (statement %s)", id, text(get(st, "Sid")))
			}
			admin := slices.Contains(actions, "kms:ScheduleKeyDeletion")
			use := slices.Contains(actions, "kms:Decrypt")
			if admin && use {
				t.Errorf("key %s: statement %s both administers and uses the key", id, text(get(st, "Sid")))
			}
		}
	}
}
