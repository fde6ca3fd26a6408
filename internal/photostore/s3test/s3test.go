// Package s3test starts a real S3-compatible server for tests: versitygw (Apache-2.0) with its POSIX
// backend in a temporary directory, on a free loopback port, stopped at the test's clean-up.
//
// The binary is GARAGE_TEST_VERSITYGW, or versitygw on PATH. Without it the tests that need it are
// skipped, except when CI=true, where they fail: scripts/test.sh installs it there.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/photostore"
)

// Credentials and region of the servers this package starts.
const (
	AccessKey = "garagetestaccess"
	SecretKey = "garage-test-secret-key-0123456789"
	Region    = "us-east-1"
)

// Server is one running versitygw.
type Server struct {
	Endpoint string // "http://127.0.0.1:PORT"
	Dir      string // the POSIX backend's root: one directory per bucket
	client   *minio.Client
}

// Binary returns the versitygw to run, or skips t (fails it in CI) when there is none.
func Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("GARAGE_TEST_VERSITYGW")
	if bin == "" {
		bin, _ = exec.LookPath("versitygw")
	}
	if bin == "" {
		msg := "versitygw not found (set GARAGE_TEST_VERSITYGW or put it on PATH: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("S3 tests skipped: " + msg)
	}
	return bin
}

// Start runs versitygw on a free loopback port until the end of the test, and waits until it answers.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o700); err != nil {
		t.Fatal(err)
	}
	var lastErr error
	for range 5 { // another process may take the port between our probe and versitygw's listen
		addr, err := freeAddr()
		if err != nil {
			t.Fatal(err)
		}
		s, err := start(t, bin, addr, root, filepath.Join(dir, "versitygw.log"))
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("versitygw did not start: %v", lastErr)
	return nil
}

func start(t testing.TB, bin, addr, root, logPath string) (*Server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "--access", AccessKey, "--secret", SecretKey, "--region", Region,
		"--port", addr, "--quiet", "posix", root)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Only our flags: no VGW_* or ROOT_* setting of the machine's environment.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VGW_") && !strings.HasPrefix(kv, "ROOT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	endpoint := "http://" + addr
	hc := &http.Client{Timeout: 2 * time.Second}
	for i := 0; ; i++ {
		select {
		case err := <-exited:
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("versitygw exited (%v): %s", err, out)
		default:
		}
		resp, err := hc.Get(endpoint + "/")
		if err == nil {
			resp.Body.Close()
			break // any S3 answer (403 without a signature) means it is up
		}
		if i == 400 {
			stop()
			return nil, fmt.Errorf("versitygw on %s did not answer: %v", addr, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			if out, err := os.ReadFile(logPath); err == nil && len(out) > 0 {
				t.Logf("versitygw log:\n%s", out)
			}
		}
	})
	client, err := minio.New(addr, &minio.Options{
		Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""), Region: Region, BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, err
	}
	return &Server{Endpoint: endpoint, Dir: root, client: client}, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return "127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// NewBucket creates an empty bucket with a fresh name and returns the name.
func (s *Server) NewBucket(t testing.TB) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "garage-test-" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.client.MakeBucket(ctx, name, minio.MakeBucketOptions{Region: Region}); err != nil {
		t.Fatalf("creating bucket %s: %v", name, err)
	}
	return name
}

// MakePublic lets anyone read the bucket's objects (GET without signature), as a bucket behind a CDN is.
func (s *Server) MakePublic(t testing.TB, bucket string) {
	t.Helper()
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",` +
		`"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::` + bucket + `/*"]}]}`
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.client.SetBucketPolicy(ctx, bucket, policy); err != nil {
		t.Fatalf("bucket policy: %v", err)
	}
}

// Config is the configuration of a store on bucket.
func (s *Server) Config(bucket string) photostore.S3Config {
	return photostore.S3Config{
		Endpoint: s.Endpoint, Bucket: bucket, Region: Region,
		AccessKeyID: AccessKey, SecretAccessKey: SecretKey, PathStyle: true,
	}
}

// Env is the garage's environment for a store on bucket (PHOTO_STORAGE=s3 and the S3_* variables).
func (s *Server) Env(bucket string) map[string]string {
	return map[string]string{
		"PHOTO_STORAGE": "s3", "S3_ENDPOINT": s.Endpoint, "S3_BUCKET": bucket, "S3_REGION": Region,
		"S3_ACCESS_KEY_ID": AccessKey, "S3_SECRET_ACCESS_KEY": SecretKey, "S3_PATH_STYLE": "true",
	}
}

// Store starts a server and returns a store on a fresh bucket of it: the usual need of a test.
func Store(t testing.TB) *photostore.S3 {
	t.Helper()
	s := Start(t)
	return s.Store(t, s.NewBucket(t))
}

// Store returns a store on bucket, checked.
func (s *Server) Store(t testing.TB, bucket string) *photostore.S3 {
	t.Helper()
	st, err := photostore.NewS3(s.Config(bucket))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// Client is a client of the server with its root credentials, to look at objects behind the store's back.
func (s *Server) Client() *minio.Client { return s.client }

// PhotoConfig is the garage's configuration of a store on bucket, as Load reads it from Env.
func (s *Server) PhotoConfig(bucket string) config.PhotoConfig {
	c := s.Config(bucket)
	return config.PhotoConfig{
		Storage: config.PhotoStorageS3, S3Endpoint: c.Endpoint, S3Bucket: c.Bucket, S3Region: c.Region,
		S3AccessKeyID: c.AccessKeyID, S3SecretAccessKey: c.SecretAccessKey, S3PathStyle: c.PathStyle,
	}
}
