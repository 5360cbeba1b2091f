// Package kms signs with a KMS key that never leaves KMS: the system
// clients' access tokens (RS256, RSASSA-PKCS1-v1_5 with SHA-256).
package kms

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/openpayer/provider-portal/shared/lambdaenv"
)

// API is the part of the KMS client the signer uses.
type API interface {
	Sign(ctx context.Context, in *kms.SignInput, opts ...func(*kms.Options)) (*kms.SignOutput, error)
	GetPublicKey(ctx context.Context, in *kms.GetPublicKeyInput, opts ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error)
}

// Signer signs messages with an RSA key of KMS (RSASSA-PKCS1-v1_5 with
// SHA-256: RS256). It sends the message itself (MessageType RAW, at most
// 4096 bytes), not a digest: moto's KMS ignores MessageType DIGEST and
// would hash a digest again, so RAW is what runs the same on both.
type Signer struct {
	KMS   API
	KeyID string

	mu  sync.Mutex
	pub *rsa.PublicKey
}

// NewSigner is the signer of the key f's SYSTEM_TOKEN_KEY_ID names, at the
// endpoint its environment names (AWS's own unless AWS_ENDPOINT_URL_KMS).
func NewSigner(f *lambdaenv.Function) *Signer {
	client := kms.NewFromConfig(f.AWS, func(o *kms.Options) { o.BaseEndpoint = f.Endpoints["KMS"] })
	return &Signer{KMS: client, KeyID: f.Env.Text(lambdaenv.SystemTokenKey)}
}

// MaxMessage is the largest message KMS signs whole.
const MaxMessage = 4096

// Sign signs message (RS256).
func (s *Signer) Sign(ctx context.Context, message []byte) ([]byte, error) {
	if len(message) > MaxMessage {
		return nil, fmt.Errorf("a message of %d bytes is over the %d KMS signs whole", len(message), MaxMessage)
	}
	out, err := s.KMS.Sign(ctx, &kms.SignInput{KeyId: &s.KeyID, Message: message,
		MessageType: types.MessageTypeRaw, SigningAlgorithm: types.SigningAlgorithmSpecRsassaPkcs1V15Sha256})
	if err != nil {
		return nil, fmt.Errorf("sign with the token key: %w", err)
	}
	return out.Signature, nil
}

// PublicKey is the key's public half, read once.
func (s *Signer) PublicKey(ctx context.Context) (*rsa.PublicKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pub != nil {
		return s.pub, nil
	}
	out, err := s.KMS.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: &s.KeyID})
	if err != nil {
		return nil, fmt.Errorf("read the token key's public key: %w", err)
	}
	k, err := x509.ParsePKIXPublicKey(out.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("the token key's public key: %w", err)
	}
	pub, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the token key is %T, not RSA", k)
	}
	s.pub = pub
	return pub, nil
}
