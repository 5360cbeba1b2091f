package templatecheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A weakening of the template: in the resource (or top-level block) named
// in, old becomes new. Each must make this package's tests fail.
type mutation struct {
	name, in, old, new string
}

// The changes a reviewer would refuse, each of which the rules above must
// catch. A mutation whose text is no longer in the template fails the test
// (the template changed: say the weakening again in its new words).
var mutations = []mutation{
	{"s3:GetObject on every bucket", "ClaimsFunction", "          Statement:\n", "          Statement:\n            - {Effect: Allow, Action: [s3:GetObject], Resource: \"arn:aws:s3:::*\"}\n"},
	{"sqs:* on every queue, in the partition's spelling", "ClaimsFunction", "          Statement:\n", "          Statement:\n            - {Effect: Allow, Action: [sqs:*], Resource: !Sub \"arn:${AWS::Partition}:sqs:*:*:*\"}\n"},
	{"dynamodb:* on everything", "LettersFunction", "          Statement:\n", "          Statement:\n            - {Effect: Allow, Action: [dynamodb:*], Resource: \"*\"}\n"},
	{"the API 5xx alarm deleted", "Api5xxAlarm", "", ""},
	{"a stuck-outbox alarm deleted", "DisputesOutboxStuckAlarm", "", ""},
	{"a stuck alarm switched to notBreaching", "AppealsOutboxStuckAlarm", "TreatMissingData: breaching", "TreatMissingData: notBreaching"},
	{"a dead-letter threshold of 1000", "ClaimsFeedDLQAlarm", "Threshold: 0", "Threshold: 1000"},
	{"a dead-letter age alarm deleted", "UploadDLQAgeAlarm", "", ""},
	{"an Errors alarm over a day", "ClaimsErrorsAlarm", "Period: 300", "Period: 86400"},
	{"an Errors alarm deleted", "UploadsErrorsAlarm", "", ""},
	{"an alarm with no action", "UploadsThrottlesAlarm", "AlarmActions: [!Ref AlarmTopic]", "AlarmActions: []"},
	{"the INTERNAL problems alarm deleted", "InternalProblemsAlarm", "", ""},
	{"the denied-requests alarm deleted", "DeniedRequestsAlarm", "", ""},
	{"a scheduled job's stopped alarm deleted", "UploadExpiryStoppedAlarm", "", ""},
	{"prod deployable without an alarm recipient", "ProdHasAnAlarmRecipient", "", ""},
	{"the attachments bucket's TLS-only deny removed", "AttachmentsBucketPolicy", "- Sid: TlsOnly\n            Effect: Deny", "- Sid: TlsOnly\n            Effect: Allow"},
	{"the audit trail bucket's TLS-only deny removed", "AuditTrailBucketPolicy", "- Sid: TlsOnly\n            Effect: Deny", "- Sid: TlsOnly\n            Effect: Allow"},
	{"MFA off", "ProviderUserPool", `MfaConfiguration: "ON"`, `MfaConfiguration: "OPTIONAL"`},
	{"threat protection only audited", "ProviderUserPool", "AdvancedSecurityMode: ENFORCED", "AdvancedSecurityMode: AUDIT"},
	{"viewer TLS down to TLSv1", "PortalDistribution", "MinimumProtocolVersion: TLSv1.2_2021", "MinimumProtocolVersion: TLSv1"},
	{"prod deployable on the default certificate", "ProdHasItsOwnDomainWithTls12", "", ""},
	{"the web ACL detached", "PortalDistribution", "        WebACLId: !If [CreateWebAcl, !GetAtt PortalWebAcl.Arn, !Ref WebAclArn]\n", ""},
	{"the API reachable around the distribution", "PortalDistribution", "HeaderName: X-Origin-Verify", "HeaderName: X-Portal"},
	{"the default authorizer removed", "HttpApi", "        DefaultAuthorizer: ProviderJwt\n", ""},
	{"Auth: NONE on a route", "ClaimsFunction", `Path: "/claims/{claimNumber}"}`, `Path: "/claims/{claimNumber}", Auth: {Authorizer: NONE}}`},
	{"the PAS operations on the portal users' authorizer", "AuthorizationsFunction", `Path: "/fhir/Claim/{operation}", Auth: {Authorizer: SystemJwt}}`, `Path: "/fhir/Claim/{operation}"}`},
	{"the system authorizer trusting another issuer", "HttpApi", "issuer: !Sub ${PortalOrigin}/api/fhir", "issuer: https://tokens.example.com"},
	{"a FHIR route public", "AuthorizationsFunction", `Path: "/fhir/Claim/{operation}", Auth: {Authorizer: SystemJwt}}`, `Path: "/fhir/Claim/{operation}", Auth: {Authorizer: NONE}}`},
	{"the token signing key usable by any role", "SystemTokenKey", "            Condition:\n              ArnLike: {aws:PrincipalArn: !Sub \"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}-SystemAuthFunctionRole-*\"}\n", ""},
	{"the notifications' dead-letter alarm deleted", "NotificationsDLQAlarm", "", ""},
	{"the notifier reading every subscription index", "NotificationsFunction", "Resource: !Sub ${SubscriptionsTable.Arn}/index/byProvider", "Resource: !Sub ${SubscriptionsTable.Arn}/index/*"},
	{"a table deleted with the stack", "ClaimsTable", "DeletionPolicy: Retain", "DeletionPolicy: Delete"},
	{"a dead-letter queue deleted with the stack", "CaseDecisionsDLQ", "    DeletionPolicy: Retain\n", ""},
	{"the cursor key deleted with the stack", "CursorKeySecret", "    DeletionPolicy: Retain\n", ""},
	{"a table without point-in-time recovery", "AppealsTable", "PointInTimeRecoveryEnabled: true", "PointInTimeRecoveryEnabled: false"},
	{"a queue without its dead-letter queue", "UploadQueue", "      RedrivePolicy:\n        deadLetterTargetArn: !GetAtt UploadDLQ.Arn\n        maxReceiveCount: 5\n", ""},
	{"'unsafe-inline' scripts", "PortalHeaders", "script-src 'self';", "script-src 'self' 'unsafe-inline';"},
	{"key administrators given kms:Create*", "DataKey", "Action: [kms:DescribeKey,", "Action: [kms:Create*, kms:DescribeKey,"},
	{"the key policy changeable outside the stack", "DataKey", "            Condition:\n              ForAnyValue:StringEquals: {aws:CalledVia: [cloudformation.amazonaws.com]}\n", ""},
	{"an inbound queue open to the account", "CaseDecisionsQueuePolicy", "- Sid: NoOtherSender\n            Effect: Deny", "- Sid: NoOtherSender\n            Effect: Allow"},
	{"the trail in one region", "DocumentAccessTrail", "IsMultiRegionTrail: true", "IsMultiRegionTrail: false"},
	{"the trail's files unvalidated", "DocumentAccessTrail", "EnableLogFileValidation: true", "EnableLogFileValidation: false"},
	{"the audit lock in governance mode", "AuditTrailBucket", "Mode: COMPLIANCE", "Mode: GOVERNANCE"},
	{"uploads checked before their scan", "AttachmentsBucket", "        EventBridgeConfiguration: {EventBridgeEnabled: true}\n",
		"        EventBridgeConfiguration: {EventBridgeEnabled: true}\n        QueueConfigurations: [{Event: \"s3:ObjectCreated:*\", Queue: !GetAtt UploadQueue.Arn}]\n"},
	{"the malware-found alarm deleted", "MalwareFoundAlarm", "", ""},
	{"a secret resolved into a function's environment", "LettersFunction", "          CURSOR_KEY_SECRET_ARN: !Ref CursorKeySecret\n",
		"          CURSOR_KEY: !Sub \"{{resolve:secretsmanager:${CursorKeySecret}:SecretString}}\"\n"},
	{"the dashboard's alarm states dropped", "Dashboard", `{"type": "alarm"`, `{"type": "text"`},
	{"a workflow's outbox left off the dashboard", "Dashboard", `"Outbox", "authorizations"`, `"Outbox", "documents"`},
	{"the metrics job's stopped alarm deleted", "PriorAuthMetricsStoppedAlarm", "", ""},
	{"the metrics job free to scan every table", "PriorAuthMetricsFunction", "Resource: [!GetAtt AuthorizationsTable.Arn, !GetAtt AppealsTable.Arn]", "Resource: \"*\""},
	{"the member-search limit alarm deleted", "MemberSearchLimitAlarm", "", ""},
	{"the claims function free to write any idempotency item", "ClaimsFunction", "                ForAllValues:StringLike: {dynamodb:LeadingKeys: [\"member-searches#*\"]}\n", ""},
	{"the scan pointed at another prefix", "UploadScanPlan", "ObjectPrefixes: [!Ref UploadPrefix]", "ObjectPrefixes: [scanned/]"},
	{"anyone in the account may start a check", "UploadQueuePolicy", "ArnEquals: {aws:SourceArn: !GetAtt UploadScanResultRule.Arn}", "StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}"},
	{"the scan's role given s3:*", "UploadScanRole", "Action: s3:PutObject", "Action: s3:*"},
	{"the PAS door's document writes widened to the whole bucket", "AuthorizationsFunction",
		"Resource: !Sub ${AttachmentsBucket.Arn}/${UploadPrefix}*", "Resource: !Sub ${AttachmentsBucket.Arn}/*"},
	{"the claims function given uploads to write", "ClaimsFunction", "          Statement:\n",
		"          Statement:\n            - {Effect: Allow, Action: [s3:PutObject], Resource: !Sub \"${AttachmentsBucket.Arn}/${UploadPrefix}*\"}\n"},
	{"a table left out of the backups", "BackupSelection", "          - !GetAtt AppealsTable.Arn\n", ""},
	{"the backup vault unlocked in prod", "BackupVault", "        ChangeableForDays: !If [IsProd, 3, !Ref AWS::NoValue]\n", ""},
	{"prod deployable without a copy elsewhere", "ProdCopiesItsBackupsElsewhere", "", ""},
	{"a failed backup pages no one", "BackupFailedRule", "", ""},
	{"functions free to write any log group", "Globals", "    PermissionsBoundary: !Ref FunctionBoundary\n", ""},
	{"a function's role tagged as another", "LettersFunction", `Tags: {portal-function: !Sub "${AWS::StackName}-letters"}`, `Tags: {portal-function: !Sub "${AWS::StackName}-claims"}`},
}

// block finds the lines of a top-level block or a resource (two spaces in)
// named id: from its name to the next line at its indent or less.
func block(tpl, id string) (start, end int, ok bool) {
	head := regexp.MustCompile(`(?m)^( {0,2})` + regexp.QuoteMeta(id) + `:\n`)
	m := head.FindStringSubmatchIndex(tpl)
	if m == nil {
		return 0, 0, false
	}
	indent := m[3] - m[2]
	next := regexp.MustCompile(`(?m)^ {0,` + strconv.Itoa(indent) + `}[A-Za-z#]`)
	rest := tpl[m[1]:]
	n := next.FindStringIndex(rest)
	if n == nil {
		return m[0], len(tpl), true
	}
	return m[0], m[1] + n[0], true
}

func (m mutation) apply(tpl string) (string, bool) {
	start, end, ok := block(tpl, m.in)
	if !ok {
		return "", false
	}
	if m.old == "" { // delete the whole resource or block
		return tpl[:start] + tpl[end:], true
	}
	b := tpl[start:end]
	if !strings.Contains(b, m.old) {
		return "", false
	}
	return tpl[:start] + strings.Replace(b, m.old, m.new, 1) + tpl[end:], true
}

// Each weakening makes the template's tests fail: the tests run again, in
// a child process of this test binary, on a weakened copy.
func TestEachWeakeningIsCaught(t *testing.T) {
	if os.Getenv(templateEnv) != "" {
		t.Skip("a child run")
	}
	orig, err := os.ReadFile(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The rules only: the CloudFront functions' tests run Node, and this
	// test would run itself.
	skip := "TestEachWeakeningIsCaught|TestTheAPIsBusyAnswersSayWhenToRetry|TestTheAPIPrefixIsDroppedAndTheViewerNamed"
	for i, m := range mutations {
		weakened, ok := m.apply(string(orig))
		if !ok {
			t.Errorf("%s: %q is not in %s any more; write the weakening again", m.name, m.old, m.in)
			continue
		}
		path := filepath.Join(dir, "template-"+strconv.Itoa(i)+".yaml")
		if err := os.WriteFile(path, []byte(weakened), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.count=1", "-test.skip="+skip)
		cmd.Env = append(os.Environ(), templateEnv+"="+path)
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Errorf("%s: every rule still passes", m.name)
			continue
		}
		if _, isExit := err.(*exec.ExitError); !isExit {
			t.Fatalf("%s: %v", m.name, err)
		}
		if !strings.Contains(string(out), "--- FAIL: Test") {
			t.Errorf("%s: the run failed without a failing rule:\n%s", m.name, out)
		}
	}
}
