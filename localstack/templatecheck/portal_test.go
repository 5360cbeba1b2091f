package templatecheck

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/openpayer/provider-portal/localstack/stack"
)

// Managed CloudFront cache policy: CachingDisabled.
const cachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

// directives splits a content security policy into its directives, by name.
func directives(csp string) map[string]string {
	out := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		out[name] = value
	}
	return out
}

// The portal's hosting: every behaviour over HTTPS with the security
// headers, the API never cached (its answers carry PHI), the files' bucket
// private and read only by the distribution, and a content security policy
// that allows no inline code or framing, the same as the local host's.
func TestPortalHosting(t *testing.T) {
	res := load(t)
	dists := ofType(res, "AWS::CloudFront::Distribution")
	if len(dists) == 0 {
		t.Fatal("no CloudFront distribution: the portal is hosted by one")
	}
	for _, id := range dists {
		cfg := get(res[id], "Properties", "DistributionConfig")
		origins := map[string]*node{}
		for _, o := range get(cfg, "Origins").Content {
			origins[text(get(o, "Id"))] = o
		}
		behaviours := append([]*node{get(cfg, "DefaultCacheBehavior")}, get(cfg, "CacheBehaviors").Content...)
		for _, b := range behaviours {
			name := text(get(b, "PathPattern"))
			if name == "" {
				name = "default"
			}
			if p := text(get(b, "ViewerProtocolPolicy")); p != "redirect-to-https" && p != "https-only" {
				t.Errorf("%s %s: viewer protocol %q", id, name, p)
			}
			rhp := strings.TrimPrefix(text(get(b, "ResponseHeadersPolicyId")), "!Ref ")
			if text(get(res[rhp], "Type")) != "AWS::CloudFront::ResponseHeadersPolicy" {
				t.Errorf("%s %s: no response headers policy of the stack's", id, name)
			}
			o := origins[text(get(b, "TargetOriginId"))]
			switch {
			case o == nil:
				t.Errorf("%s %s: unknown origin", id, name)
			case get(o, "CustomOriginConfig") != nil:
				if text(get(b, "CachePolicyId")) != cachingDisabled {
					t.Errorf("%s %s: the API is cached", id, name)
				}
				if text(get(o, "CustomOriginConfig", "OriginProtocolPolicy")) != "https-only" {
					t.Errorf("%s %s: the API is reached without TLS", id, name)
				}
			default:
				if get(o, "OriginAccessControlId") == nil {
					t.Errorf("%s %s: a bucket origin without origin access control", id, name)
				}
				checkPrivateBucket(t, res, text(get(o, "DomainName")), id)
			}
		}
	}
	local := directives(stack.ContentSecurityPolicy("'self'"))
	for _, id := range ofType(res, "AWS::CloudFront::ResponseHeadersPolicy") {
		sec := get(res[id], "Properties", "ResponseHeadersPolicyConfig", "SecurityHeadersConfig")
		csp := get(sec, "ContentSecurityPolicy", "ContentSecurityPolicy")
		if csp != nil && csp.Kind == yaml.SequenceNode {
			csp = csp.Content[0] // !Sub [text, vars]
		}
		got := directives(text(csp))
		for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*"} {
			for name, v := range got {
				if slices.Contains(strings.Fields(v), bad) {
					t.Errorf("%s: %s allows %s", id, name, bad)
				}
			}
		}
		for name, v := range local {
			if name != "connect-src" && got[name] != v {
				t.Errorf("%s: %s is %q in the template, %q on the local host", id, name, got[name], v)
			}
		}
		if len(got) != len(local) {
			t.Errorf("%s: %d directives in the template, %d on the local host", id, len(got), len(local))
		}
		if age, _ := strconv.Atoi(text(get(sec, "StrictTransportSecurity", "AccessControlMaxAgeSec"))); age < 31536000 {
			t.Errorf("%s: HSTS for %d s, less than a year", id, age)
		}
		if text(get(sec, "FrameOptions", "FrameOption")) != "DENY" || get(sec, "ContentTypeOptions") == nil {
			t.Errorf("%s: framing allowed or content sniffing on", id)
		}
	}
}

// checkPrivateBucket: the origin's bucket blocks public access, and its
// policy allows reads by CloudFront for this distribution only.
func checkPrivateBucket(t *testing.T, res map[string]*node, domain, dist string) {
	t.Helper()
	bucket := strings.TrimSuffix(strings.TrimPrefix(domain, "!GetAtt "), ".RegionalDomainName")
	block := get(res[bucket], "Properties", "PublicAccessBlockConfiguration")
	for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
		if text(get(block, k)) != "true" {
			t.Errorf("bucket %s: %s is not true", bucket, k)
		}
	}
	found := false
	for _, pid := range ofType(res, "AWS::S3::BucketPolicy") {
		if text(get(res[pid], "Properties", "Bucket")) != "!Ref "+bucket {
			continue
		}
		for _, st := range get(res[pid], "Properties", "PolicyDocument", "Statement").Content {
			if text(get(st, "Effect")) != "Allow" {
				continue
			}
			found = true
			arn := get(st, "Condition", "StringEquals", "AWS:SourceArn")
			if text(get(st, "Principal", "Service")) != "cloudfront.amazonaws.com" || !strings.Contains(text(arn), "${"+dist+"}") {
				t.Errorf("bucket %s: statement %s allows someone other than distribution %s", bucket, text(get(st, "Sid")), dist)
			}
		}
	}
	if !found {
		t.Errorf("bucket %s: no policy lets the distribution read it", bucket)
	}
}
