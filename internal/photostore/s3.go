package photostore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// CacheControl is sent with every photo, by Handler and (as object metadata) by S3: keys never change
// content, so a year and immutable.
const CacheControl = "public, max-age=31536000, immutable"

// S3Config says where an S3-compatible bucket is and how to sign requests to it.
type S3Config struct {
	// Endpoint is the service's URL without a path: "https://s3.fr-par.scw.cloud", "http://127.0.0.1:7070".
	// The scheme decides TLS.
	Endpoint        string
	Bucket          string
	Region          string // may be empty for servers that do not care (MinIO, versitygw)
	AccessKeyID     string
	SecretAccessKey string
	// PathStyle forces "endpoint/bucket/key" URLs; otherwise the client picks (virtual-host style for the
	// big providers that support it, path style for an IP address or an unknown host).
	PathStyle bool
}

// Timeouts of the S3 client: connecting, waiting for the answer's headers, and one whole Put, Delete or
// List call. Reading an opened object is bounded by its caller's context instead.
const (
	s3DialTimeout     = 5 * time.Second
	s3ResponseTimeout = 30 * time.Second
	s3OpTimeout       = 2 * time.Minute
)

// S3 is a Store in an S3-compatible bucket. Keys are object names, validated as for Disk; objects are
// written with the content type the key implies and CacheControl, so that a bucket served publicly (or
// through a CDN) answers like Handler.
type S3 struct {
	client *minio.Client
	bucket string
	// endpoint, for messages
	endpoint string
}

var _ Store = (*S3)(nil)

// NewS3 builds the client. It makes no request: call Check to know whether the bucket is reachable.
func NewS3(c S3Config) (*S3, error) {
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return nil, fmt.Errorf("photostore: S3 endpoint %q is not an http:// or https:// URL without path", c.Endpoint)
	}
	if c.Bucket == "" {
		return nil, errors.New("photostore: empty S3 bucket name")
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: s3DialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: s3ResponseTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   32,
		ForceAttemptHTTP2:     true,
	}
	lookup := minio.BucketLookupAuto
	if c.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(c.AccessKeyID, c.SecretAccessKey, ""),
		Secure:       u.Scheme == "https",
		Region:       c.Region,
		BucketLookup: lookup,
		Transport:    tr,
	})
	if err != nil {
		return nil, fmt.Errorf("photostore: S3 client: %w", err)
	}
	return &S3{client: client, bucket: c.Bucket, endpoint: u.Scheme + "://" + u.Host}, nil
}

// Check makes sure the bucket exists and answers to these credentials.
func (s *S3) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s3ResponseTimeout)
	defer cancel()
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("photostore: S3 bucket %q at %s: %w", s.bucket, s.endpoint, err)
	}
	if !ok {
		return fmt.Errorf("photostore: S3 bucket %q does not exist at %s", s.bucket, s.endpoint)
	}
	return nil
}

// Put uploads data under key in one request, with the content type the key implies and CacheControl, and
// the Content-MD5 header so that the server refuses a body damaged on the way. An S3 PUT is atomic: readers
// see the old object or the whole new one. contentType, if not empty, must match the key (as for Disk).
func (s *S3) Put(ctx context.Context, key string, data []byte, contentType string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !ValidKey(key) {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	want := contentTypeFor(key)
	if contentType != "" && !strings.EqualFold(contentType, want) {
		return fmt.Errorf("photostore: put %s: content type %q, but the key implies %q", key, contentType, want)
	}
	ctx, cancel := context.WithTimeout(ctx, s3OpTimeout)
	defer cancel()
	_, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
		ContentType:      want,
		CacheControl:     CacheControl,
		SendContentMd5:   true,
		DisableMultipart: true,
	})
	if err != nil {
		return fmt.Errorf("photostore: put %s: %w", key, ctxErr(ctx, err))
	}
	return nil
}

// Open starts a GET of the object and waits for its headers: ErrNotFound when there is no such object (or
// the key is invalid). The body is read as the caller reads; Seek issues a ranged GET. The object stays
// tied to ctx: cancelling it ends the download.
func (s *S3) Open(ctx context.Context, key string) (io.ReadSeekCloser, Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, Info{}, err
	}
	if !ValidKey(key) {
		return nil, Info{}, ErrNotFound
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, s.openErr(ctx, key, err)
	}
	// GetObject is lazy: Stat sends the request and reports a missing object.
	st, err := obj.Stat()
	if err != nil {
		_ = obj.Close()
		return nil, Info{}, s.openErr(ctx, key, err)
	}
	return obj, Info{Size: st.Size, ModTime: st.LastModified, ContentType: contentTypeFor(key)}, nil
}

func (s *S3) openErr(ctx context.Context, key string, err error) error {
	if isS3NotFound(err) {
		return ErrNotFound
	}
	return fmt.Errorf("photostore: open %s: %w", key, ctxErr(ctx, err))
}

// Delete removes the object; an absent one is not an error (S3 answers 204 either way).
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !ValidKey(key) {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	ctx, cancel := context.WithTimeout(ctx, s3OpTimeout)
	defer cancel()
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil && !isS3NotFound(err) {
		return fmt.Errorf("photostore: delete %s: %w", key, ctxErr(ctx, err))
	}
	return nil
}

// List returns, sorted, the valid keys that start with prefix, following the listing's pages (1000 keys
// each). Objects whose names are not valid keys (put there by hand) are left out, as Disk leaves out files.
func (s *S3) List(ctx context.Context, prefix string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validPrefix(prefix) {
		return nil, fmt.Errorf("%w: prefix %q", ErrInvalidKey, prefix)
	}
	ctx, cancel := context.WithTimeout(ctx, s3OpTimeout)
	defer cancel()
	var keys []string
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("photostore: list %q: %w", prefix, ctxErr(ctx, obj.Err))
		}
		if strings.HasPrefix(obj.Key, prefix) && ValidKey(obj.Key) {
			keys = append(keys, obj.Key)
		}
	}
	slices.Sort(keys)
	return keys, nil
}

func isS3NotFound(err error) bool {
	switch minio.ToErrorResponse(err).Code {
	case minio.NoSuchKey, "NotFound":
		return true
	}
	return false
}

// ctxErr prefers the context's error (cancelled, deadline exceeded) to the client's wrapping of it.
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return err
}
