package stack

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/openpayer/provider-portal/shared/malwarescan"
)

// ScanRoute is what one of the template's malware protection plans
// protects (a bucket, under prefixes) and the queues its results go to
// (the SQS targets of the EventBridge rules that match its results).
type ScanRoute struct {
	Bucket    string
	Prefixes  []string
	PlanARN   string
	QueueURLs []string
}

// scanRoutes reads the template's GuardDuty malware protection plans and the
// rules that route their results, for the stand-in scanner to play.
func (p *Provisioned) scanRoutes(t *Template) error {
	for _, id := range t.ResourcesOfType("AWS::GuardDuty::MalwareProtectionPlan") {
		res := t.Resources[id]
		v, err := p.Resolver.ResolveField(&res.Properties, "ProtectedResource", "S3Bucket")
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		var b struct {
			BucketName     string
			ObjectPrefixes []string
		}
		if err := decode(v, &b); err != nil || b.BucketName == "" {
			return fmt.Errorf("%s: protects no bucket the local stack can read (%v)", id, err)
		}
		arn := fmt.Sprintf("arn:aws:guardduty:%s:%s:malware-protection-plan/%s", LocalRegion, LocalAccount, id)
		p.Resolver.Atts[id+".Arn"] = arn
		p.Scans = append(p.Scans, ScanRoute{Bucket: b.BucketName, Prefixes: b.ObjectPrefixes, PlanARN: arn})
	}
	for _, id := range t.ResourcesOfType("AWS::Events::Rule") {
		res := t.Resources[id]
		v, err := p.Resolver.ResolveField(&res.Properties, "EventPattern")
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		var pattern struct {
			Source     []string `json:"source"`
			DetailType []string `json:"detail-type"`
			Resources  []string `json:"resources"`
		}
		if err := decode(v, &pattern); err != nil {
			return fmt.Errorf("%s event pattern: %w", id, err)
		}
		if !slices.Contains(pattern.DetailType, malwarescan.DetailType) || !slices.Contains(pattern.Source, malwarescan.Source) {
			continue
		}
		v, err = p.Resolver.ResolveField(&res.Properties, "Targets")
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		var targets []struct{ Arn string }
		if err := decode(v, &targets); err != nil {
			return fmt.Errorf("%s targets: %w", id, err)
		}
		for i := range p.Scans {
			if !slices.Contains(pattern.Resources, p.Scans[i].PlanARN) {
				continue
			}
			for _, tg := range targets {
				url, ok := p.QueueARNs[tg.Arn]
				if !ok {
					return fmt.Errorf("%s sends scan results to %s, which is not a queue of the stack", id, tg.Arn)
				}
				p.Scans[i].QueueURLs = append(p.Scans[i].QueueURLs, url)
			}
		}
	}
	return nil
}

// eicar is the EICAR anti-virus test file's signature, which every scanner
// reports as a threat (GuardDuty included). It is assembled here so that
// this source file is not itself reported.
var eicar = []byte(`X5O!P%@AP[4\PZX54(P^)7CC)7}$` + `EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`)

// EICAR is the EICAR test signature, for tests of the scan.
func EICAR() []byte { return slices.Clone(eicar) }

// EICARThreat is the name the stand-in gives the threat it finds.
const EICARThreat = "EICAR-Test-File (not a virus)"

// scan plays GuardDuty Malware Protection for S3 for one new version of an
// object: it reads it, tags it GuardDutyMalwareScanStatus as GuardDuty does,
// and sends the scan result event to each queue the plan's rules name. It
// is a stand-in: it finds the EICAR test signature and nothing else.
func (n *Notifier) scan(ctx context.Context, route ScanRoute, bucket, key, version, etag string) error {
	in := &s3.GetObjectInput{Bucket: &bucket, Key: &key}
	if version != "" {
		in.VersionId = &version
	}
	out, err := n.s3.GetObject(ctx, in)
	if err != nil {
		return fmt.Errorf("stand-in scan: read the object: %w", err)
	}
	body, err := io.ReadAll(out.Body)
	_ = out.Body.Close()
	if err != nil {
		return fmt.Errorf("stand-in scan: read the object: %w", err)
	}
	result := malwarescan.ResultDetails{ScanResultStatus: malwarescan.NoThreatsFound}
	if bytes.Contains(body, eicar) {
		result = malwarescan.ResultDetails{ScanResultStatus: malwarescan.ThreatsFound, Threats: []malwarescan.Threat{{Name: EICARThreat}}}
	}
	tag := &s3.PutObjectTaggingInput{Bucket: &bucket, Key: &key, VersionId: in.VersionId, Tagging: &s3types.Tagging{
		TagSet: []s3types.Tag{{Key: aws.String("GuardDutyMalwareScanStatus"), Value: aws.String(result.ScanResultStatus)}}}}
	if _, err := n.s3.PutObjectTagging(ctx, tag); err != nil {
		return fmt.Errorf("stand-in scan: tag the object: %w", err)
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id) // crypto/rand does not fail
	ev := malwarescan.Event{Version: "0", ID: hex.EncodeToString(id), DetailType: malwarescan.DetailType, Source: malwarescan.Source,
		Account: LocalAccount, Time: time.Now().UTC().Truncate(time.Second), Region: LocalRegion, Resources: []string{route.PlanARN},
		Detail: malwarescan.Detail{SchemaVersion: "1.0", ScanStatus: "COMPLETED", ResourceType: "S3_OBJECT",
			S3ObjectDetails:   malwarescan.ObjectDetails{BucketName: bucket, ObjectKey: key, ETag: etag, VersionID: version},
			ScanResultDetails: result}}
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	for _, url := range route.QueueURLs {
		if _, err := n.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(string(b))}); err != nil {
			return fmt.Errorf("stand-in scan: send the result: %w", err)
		}
	}
	return nil
}

// protects says whether a route's plan scans a key of a bucket.
func (r ScanRoute) protects(bucket, key string) bool {
	if r.Bucket != bucket {
		return false
	}
	if len(r.Prefixes) == 0 {
		return true
	}
	return slices.ContainsFunc(r.Prefixes, func(p string) bool { return strings.HasPrefix(key, p) })
}
