package stack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/openpayer/provider-portal/shared/lambdaenv"
)

// Local identity of the stack: the emulator's default account and region.
const (
	LocalAccount = "123456789012"
	LocalRegion  = "us-east-1"
)

// Provisioned is what Provision created, by logical ID.
type Provisioned struct {
	Resolver  *Resolver
	Tables    map[string]string // logical ID -> table name
	Queues    map[string]string // logical ID -> queue URL
	QueueARNs map[string]string // queue ARN -> queue URL
	Buckets   map[string]string // logical ID -> bucket name
	// Notifications are the buckets' queue notifications, for a runner that
	// plays them (the local S3 server has none of its own).
	Notifications []BucketNotification
	// Scans are the template's malware scans, for the stand-in scanner.
	Scans []ScanRoute
	// Secrets are the template's secrets: logical ID -> ARN.
	Secrets map[string]string
}

// createSecret creates one of the template's secrets in the local Secrets
// Manager (moto's SQS process serves it too), with a random value where
// the template has Secrets Manager generate one, as the functions read it
// at run time. A secret already there (LocalStack, provisioned before) is
// kept, value and all.
func (p *Provisioned) createSecret(ctx context.Context, c Clients, id string, res Resource) error {
	name, err := p.name(id, res, "Name")
	if err != nil {
		return err
	}
	value, err := p.Resolver.ResolveField(&res.Properties, "SecretString")
	if err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}
	s, _ := value.(string)
	if s == "" {
		b := make([]byte, 32)
		_, _ = rand.Read(b) // crypto/rand does not fail
		s = hex.EncodeToString(b)
	}
	out, err := c.SecretsManager.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: &name, SecretString: &s})
	var exists *smtypes.ResourceExistsException
	if errors.As(err, &exists) {
		d, derr := c.SecretsManager.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: &name})
		if derr != nil {
			return fmt.Errorf("%s: %w", id, derr)
		}
		p.Secrets[id], p.Resolver.Refs[id] = aws.ToString(d.ARN), aws.ToString(d.ARN)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: create secret: %w", id, err)
	}
	p.Secrets[id], p.Resolver.Refs[id] = aws.ToString(out.ARN), aws.ToString(out.ARN)
	return nil
}

// createSigningKey creates one of the template's signing keys (KeyUsage
// SIGN_VERIFY) in the local KMS (moto's SQS process serves it too), as a
// function signs with it itself; the encryption keys, which the local
// servers do not use, stay logical IDs. Ref is the key ID and Arn its ARN.
func (p *Provisioned) createSigningKey(ctx context.Context, c Clients, id string, res Resource) error {
	usage, err := p.Resolver.ResolveField(&res.Properties, "KeyUsage")
	if err != nil || usage != "SIGN_VERIFY" {
		return err
	}
	spec, err := p.Resolver.ResolveField(&res.Properties, "KeySpec")
	if err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}
	s, _ := spec.(string)
	out, err := c.KMS.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpec(s), KeyUsage: kmstypes.KeyUsageTypeSignVerify,
		Description: aws.String(id)})
	if err != nil {
		return fmt.Errorf("%s: create key: %w", id, err)
	}
	p.Resolver.Refs[id] = aws.ToString(out.KeyMetadata.KeyId)
	if p.Resolver.Atts == nil {
		p.Resolver.Atts = map[string]string{}
	}
	p.Resolver.Atts[id+".Arn"] = aws.ToString(out.KeyMetadata.Arn)
	return nil
}

// newResolver resolves the template's intrinsics for a local stack named
// stackName: its parameters' defaults overridden by params, and the pseudo
// parameters of the local account and region.
func newResolver(t *Template, stackName string, params map[string]string) *Resolver {
	r := &Resolver{
		Params: map[string]string{},
		Pseudo: map[string]string{
			"AWS::StackName": stackName, "AWS::Region": LocalRegion, "AWS::AccountId": LocalAccount,
			"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com",
		},
		Refs: map[string]string{}, Atts: map[string]string{},
		Conditions: map[string]bool{"IsProd": false},
	}
	for name, p := range t.Parameters {
		if p.Default != nil {
			r.Params[name] = fmt.Sprint(p.Default)
		}
	}
	for k, v := range params {
		r.Params[k] = v
	}
	// The one condition besides IsProd that the local stack reads: the
	// authorizer trusts the issuer JwtIssuer names (locally, the
	// development issuer) instead of a user pool.
	r.Conditions["OwnIssuer"] = r.Params["JwtIssuer"] != ""
	return r
}

// Planned is the stack as Provision would make it, without creating
// anything: every resource is known by its logical ID and every attribute by
// its name. Tests of what the template gives each function use it.
func Planned(t *Template, stackName string) *Provisioned {
	r := newResolver(t, stackName, nil)
	r.Placeholders = true
	for id := range t.Resources {
		r.Refs[id] = id
	}
	return &Provisioned{Resolver: r, Tables: map[string]string{}, Queues: map[string]string{},
		QueueARNs: map[string]string{}, Buckets: map[string]string{}}
}

// Clients are the AWS clients provisioning and the runner use. S3 is nil
// when the stack runs without an S3 server.
type Clients struct {
	DynamoDB       *dynamodb.Client
	SQS            *sqs.Client
	S3             *s3.Client
	SecretsManager *secretsmanager.Client
	KMS            *kms.Client
}

// NewClients builds the runner's clients from the same environment the
// functions get (see AWSEnv), the way the functions build theirs.
func NewClients(env map[string]string) (Clients, error) {
	getenv := func(k string) string { return env[k] }
	cfg, err := lambdaenv.AWS(getenv)
	if err != nil {
		return Clients{}, err
	}
	c := Clients{
		DynamoDB: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = lambdaenv.Endpoint(getenv, "DYNAMODB") }),
		SQS:      sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = lambdaenv.Endpoint(getenv, "SQS") }),
		SecretsManager: secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
			o.BaseEndpoint = lambdaenv.Endpoint(getenv, "SECRETS_MANAGER")
		}),
		KMS: kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = lambdaenv.Endpoint(getenv, "KMS") }),
	}
	if ep := lambdaenv.Endpoint(getenv, "S3"); ep != nil {
		c.S3 = s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = ep, true })
	}
	return c, nil
}

// Provision creates the tables, queues and buckets that the template
// declares, named as the template names them for stackName. params override
// parameter defaults. With nativeNotifications the bucket notifications are
// put on the buckets (LocalStack, AWS); without, they are only returned, for
// the local Notifier to play.
func Provision(ctx context.Context, c Clients, t *Template, stackName string, params map[string]string, nativeNotifications bool) (*Provisioned, error) {
	r := newResolver(t, stackName, params)
	p := &Provisioned{Resolver: r, Tables: map[string]string{}, Queues: map[string]string{},
		QueueARNs: map[string]string{}, Buckets: map[string]string{}, Secrets: map[string]string{}}
	for _, id := range t.ResourcesOfType("AWS::SecretsManager::Secret") {
		if err := p.createSecret(ctx, c, id, t.Resources[id]); err != nil {
			return nil, err
		}
	}
	for _, id := range t.ResourcesOfType("AWS::KMS::Key") {
		if err := p.createSigningKey(ctx, c, id, t.Resources[id]); err != nil {
			return nil, err
		}
	}

	for _, id := range t.ResourcesOfType("AWS::DynamoDB::Table") {
		if err := p.createTable(ctx, c, id, t.Resources[id]); err != nil {
			return nil, err
		}
	}
	queues := t.ResourcesOfType("AWS::SQS::Queue")
	for _, id := range queues {
		if err := p.createQueue(ctx, c, id, t.Resources[id]); err != nil {
			return nil, err
		}
	}
	// Redrive policies name other queues' ARNs, known only now.
	for _, id := range queues {
		props := t.Resources[id].Properties
		rp, err := r.ResolveField(&props, "RedrivePolicy")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		if rp == nil {
			continue
		}
		b, _ := json.Marshal(normaliseNumbers(rp))
		if _, err := c.SQS.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{
			QueueUrl:   aws.String(p.Queues[id]),
			Attributes: map[string]string{"RedrivePolicy": string(b)},
		}); err != nil {
			return nil, fmt.Errorf("%s: set redrive policy: %w", id, err)
		}
	}
	for _, id := range t.ResourcesOfType("AWS::S3::Bucket") {
		if c.S3 == nil {
			continue
		}
		if err := p.createBucket(ctx, c, id, t.Resources[id], nativeNotifications); err != nil {
			return nil, err
		}
	}
	if c.S3 != nil { // without S3 there is nothing to scan
		if err := p.scanRoutes(t); err != nil {
			return nil, err
		}
	}
	// Resources the local stack plays rather than creates (the HTTP API, the
	// functions, keys, alarms) are referred to by their logical IDs.
	for id := range t.Resources {
		if _, ok := r.Refs[id]; !ok {
			r.Refs[id] = id
		}
	}
	return p, nil
}

func (p *Provisioned) name(id string, res Resource, prop string) (string, error) {
	v, err := p.Resolver.ResolveField(&res.Properties, prop)
	if err != nil {
		return "", fmt.Errorf("%s.%s: %w", id, prop, err)
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("%s: the local stack needs an explicit %s", id, prop)
	}
	return s, nil
}

// decode turns a resolved property into an SDK type: CloudFormation's
// property names match the SDK's field names for the parts used here.
func decode(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

func (p *Provisioned) createTable(ctx context.Context, c Clients, id string, res Resource) error {
	name, err := p.name(id, res, "TableName")
	if err != nil {
		return err
	}
	in := &dynamodb.CreateTableInput{TableName: &name, BillingMode: ddbtypes.BillingModePayPerRequest}
	for prop, out := range map[string]any{
		"AttributeDefinitions":   &in.AttributeDefinitions,
		"KeySchema":              &in.KeySchema,
		"GlobalSecondaryIndexes": &in.GlobalSecondaryIndexes,
	} {
		v, err := p.Resolver.ResolveField(&res.Properties, prop)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", id, prop, err)
		}
		if v != nil {
			if err := decode(v, out); err != nil {
				return fmt.Errorf("%s.%s: %w", id, prop, err)
			}
		}
	}
	_, err = c.DynamoDB.CreateTable(ctx, in)
	var inUse *ddbtypes.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("create table %s: %w", name, err)
	}
	if err := dynamodb.NewTableExistsWaiter(c.DynamoDB).Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, 30e9); err != nil {
		return fmt.Errorf("wait for table %s: %w", name, err)
	}
	ttl, err := p.Resolver.ResolveField(&res.Properties, "TimeToLiveSpecification")
	if err != nil {
		return fmt.Errorf("%s.TimeToLiveSpecification: %w", id, err)
	}
	if ttl != nil {
		spec := &ddbtypes.TimeToLiveSpecification{}
		if err := decode(ttl, spec); err != nil {
			return fmt.Errorf("%s.TimeToLiveSpecification: %w", id, err)
		}
		if _, err := c.DynamoDB.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: &name, TimeToLiveSpecification: spec}); err != nil {
			return fmt.Errorf("table %s TTL: %w", name, err)
		}
	}
	p.Tables[id] = name
	p.Resolver.Refs[id] = name
	p.Resolver.Atts[id+".Arn"] = fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", LocalRegion, LocalAccount, name)
	return nil
}

func (p *Provisioned) createQueue(ctx context.Context, c Clients, id string, res Resource) error {
	name, err := p.name(id, res, "QueueName")
	if err != nil {
		return err
	}
	attrs := map[string]string{}
	for _, prop := range []string{"VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds", "FifoQueue"} {
		v, err := p.Resolver.ResolveField(&res.Properties, prop)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", id, prop, err)
		}
		if v != nil {
			attrs[prop] = fmt.Sprint(normaliseNumbers(v))
		}
	}
	out, err := c.SQS.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: &name, Attributes: attrs})
	if err != nil {
		return fmt.Errorf("create queue %s: %w", name, err)
	}
	a, err := c.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: out.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		return fmt.Errorf("queue %s ARN: %w", name, err)
	}
	arn := a.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
	p.Queues[id] = *out.QueueUrl
	p.QueueARNs[arn] = *out.QueueUrl
	p.Resolver.Refs[id] = *out.QueueUrl
	p.Resolver.Atts[id+".Arn"] = arn
	p.Resolver.Atts[id+".QueueName"] = name
	p.Resolver.Atts[id+".QueueUrl"] = *out.QueueUrl
	return nil
}

func (p *Provisioned) createBucket(ctx context.Context, c Clients, id string, res Resource, native bool) error {
	name, err := p.name(id, res, "BucketName")
	if err != nil {
		return err
	}
	_, err = c.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &name})
	var owned *s3types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return fmt.Errorf("create bucket %s: %w", name, err)
	}
	p.Buckets[id] = name
	p.Resolver.Refs[id] = name
	p.Resolver.Atts[id+".Arn"] = "arn:aws:s3:::" + name

	// Versioned as the template's bucket is: the tests of version pinning
	// and of deletion see what AWS would keep.
	status, err := p.Resolver.ResolveField(&res.Properties, "VersioningConfiguration", "Status")
	if err != nil {
		return fmt.Errorf("%s versioning: %w", id, err)
	}
	if s, _ := status.(string); s != "" {
		if _, err := c.S3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &name,
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatus(s)}}); err != nil {
			return fmt.Errorf("%s versioning: %w", id, err)
		}
	}

	if err := p.putLifecycle(ctx, c, id, name, res); err != nil {
		return err
	}

	v, err := p.Resolver.ResolveField(&res.Properties, "NotificationConfiguration", "QueueConfigurations")
	if err != nil {
		return fmt.Errorf("%s notifications: %w", id, err)
	}
	var qcs []struct {
		Event  string
		Queue  string
		Filter struct {
			S3Key struct {
				Rules []struct{ Name, Value string }
			}
		}
	}
	if err := decode(v, &qcs); err != nil {
		return fmt.Errorf("%s notifications: %w", id, err)
	}
	if len(qcs) == 0 {
		return nil
	}
	nc := &s3types.NotificationConfiguration{}
	for _, q := range qcs {
		url, ok := p.QueueARNs[q.Queue]
		if !ok {
			return fmt.Errorf("%s notifies queue %s, which was not provisioned", id, q.Queue)
		}
		route := BucketNotification{Bucket: name, QueueURL: url}
		for _, rule := range q.Filter.S3Key.Rules {
			switch strings.ToLower(rule.Name) {
			case "prefix":
				route.Prefix = rule.Value
			case "suffix":
				route.Suffix = rule.Value
			}
		}
		p.Notifications = append(p.Notifications, route)
		qc := s3types.QueueConfiguration{QueueArn: aws.String(q.Queue), Events: []s3types.Event{s3types.Event(q.Event)}}
		if len(q.Filter.S3Key.Rules) > 0 {
			qc.Filter = &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{}}
			for _, rule := range q.Filter.S3Key.Rules {
				qc.Filter.Key.FilterRules = append(qc.Filter.Key.FilterRules, s3types.FilterRule{
					Name: s3types.FilterRuleName(strings.ToLower(rule.Name)), Value: aws.String(rule.Value)})
			}
		}
		nc.QueueConfigurations = append(nc.QueueConfigurations, qc)
	}
	if !native {
		return nil
	}
	if _, err := c.S3.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: &name, NotificationConfiguration: nc,
	}); err != nil {
		return fmt.Errorf("%s notifications: %w", id, err)
	}
	return nil
}

// normaliseNumbers turns YAML's float64 whole numbers back into integers, so
// that 5 is written "5", not "5e+00".
func normaliseNumbers(v any) any {
	switch t := v.(type) {
	case float64:
		if t == float64(int64(t)) {
			return int64(t)
		}
	case map[string]any:
		for k, x := range t {
			t[k] = normaliseNumbers(x)
		}
	case []any:
		for i, x := range t {
			t[i] = normaliseNumbers(x)
		}
	}
	return v
}

// dayCount reads a lifecycle rule's days: a number, or a parameter's value
// as text.
func dayCount(v any) (int32, error) {
	days, err := strconv.ParseInt(fmt.Sprint(v), 10, 32)
	if err != nil || days < 1 {
		return 0, fmt.Errorf("%v is not a number of days", v)
	}
	return int32(days), nil
}

// putLifecycle gives the bucket the template's lifecycle rules. SeaweedFS
// keeps and answers them, but rules counted in days cannot be watched
// working in a test: the tests check that the bucket has them, and test the
// removals the functions do themselves.
func (p *Provisioned) putLifecycle(ctx context.Context, c Clients, id, name string, res Resource) error {
	v, err := p.Resolver.ResolveField(&res.Properties, "LifecycleConfiguration", "Rules")
	if err != nil {
		return fmt.Errorf("%s lifecycle: %w", id, err)
	}
	var rules []struct {
		ID                             string `json:"Id"`
		Status, Prefix                 string
		ExpiredObjectDeleteMarker      bool
		ExpirationInDays               any // a number, or a parameter's value as text
		NoncurrentVersionExpiration    *struct{ NoncurrentDays any }
		AbortIncompleteMultipartUpload *struct{ DaysAfterInitiation int32 }
	}
	if err := decode(normaliseNumbers(v), &rules); err != nil {
		return fmt.Errorf("%s lifecycle: %w", id, err)
	}
	if len(rules) == 0 {
		return nil
	}
	cfg := &s3types.BucketLifecycleConfiguration{}
	for _, r := range rules {
		rule := s3types.LifecycleRule{ID: aws.String(r.ID), Status: s3types.ExpirationStatus(r.Status),
			Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String(r.Prefix)}}
		// Storage class transitions are left out: SeaweedFS has one class.
		switch {
		case r.ExpiredObjectDeleteMarker:
			rule.Expiration = &s3types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)}
		case r.ExpirationInDays != nil:
			days, err := dayCount(r.ExpirationInDays)
			if err != nil {
				return fmt.Errorf("%s lifecycle: ExpirationInDays %w", id, err)
			}
			rule.Expiration = &s3types.LifecycleExpiration{Days: aws.Int32(days)}
		}
		if n := r.NoncurrentVersionExpiration; n != nil {
			days, err := dayCount(n.NoncurrentDays)
			if err != nil {
				return fmt.Errorf("%s lifecycle: NoncurrentDays %w", id, err)
			}
			rule.NoncurrentVersionExpiration = &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(days)}
		}
		if a := r.AbortIncompleteMultipartUpload; a != nil {
			rule.AbortIncompleteMultipartUpload = &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(a.DaysAfterInitiation)}
		}
		cfg.Rules = append(cfg.Rules, rule)
	}
	if _, err := c.S3.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: &name,
		LifecycleConfiguration: cfg}); err != nil {
		return fmt.Errorf("%s lifecycle: %w", id, err)
	}
	return nil
}
