package app_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/store"
)

// selfSigned writes a certificate and key for 127.0.0.1 and returns their paths.
func selfSigned(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "garage test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestServeDirectTLSWithRedirect(t *testing.T) {
	certFile, keyFile := selfSigned(t)
	env := serveEnv(migratedURL(t, store.SQLite))
	env["TLS_CERT_FILE"], env["TLS_KEY_FILE"] = certFile, keyFile
	env["TLS_REDIRECT_ADDR"] = "127.0.0.1:0"
	env["PUBLIC_URL"] = "https://garage.example.test"
	s := start(t, env, "serve")
	addr := s.addr(t, "listening")
	raddr := s.addr(t, "https redirect listening")

	pool := x509.NewCertPool()
	pem, _ := os.ReadFile(certFile)
	pool.AppendCertsFromPEM(pem)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get("https://" + addr + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK || res.TLS == nil || res.TLS.Version < tls.VersionTLS12 {
		t.Fatalf("https: %v %v", res, err)
	}
	res.Body.Close()
	// Issue 21: only AEAD suites. A TLS 1.2 client offering nothing but CBC suites is refused; one offering
	// only GCM (or ChaCha20) gets in.
	tls12 := func(suites ...uint16) error {
		conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12, CipherSuites: suites})
		if err == nil {
			conn.Close()
		}
		return err
	}
	if err := tls12(tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_RSA_WITH_AES_128_CBC_SHA); err == nil {
		t.Error("a CBC suite was accepted")
	}
	if err := tls12(tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256); err != nil {
		t.Errorf("an AEAD suite was refused: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		// A plain-HTTP request to the TLS port gets Go's 400, never the site.
		res, _ := http.Get("http://" + addr + "/")
		if res != nil && res.StatusCode == http.StatusOK {
			t.Fatal("plain HTTP served on the TLS port")
		}
	}
	res, err = c.Get("http://" + raddr + "/occasions?prix_max=10000")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "https://garage.example.test/occasions?prix_max=10000" {
		t.Fatalf("redirect: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if code := s.stop(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestTLSConfigurationIsChecked(t *testing.T) {
	u := migratedURL(t, store.SQLite)
	certFile, _ := selfSigned(t)
	for _, env := range []map[string]string{
		{"TLS_CERT_FILE": certFile},
		{"TLS_CERT_FILE": certFile, "TLS_KEY_FILE": "/nonexistent/key.pem"},
		{"TLS_REDIRECT_ADDR": ":80"},
	} {
		env["DATABASE_URL"] = u
		r := run(t, env, "", "check")
		if r.code != 1 || !strings.Contains(r.stdout, "TLS_") {
			t.Errorf("check with %v: %v", env, r)
		}
	}
}

func TestLogFileIsReopenedOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "garage.log")
	env := serveEnv(migratedURL(t, store.SQLite))
	env["LOG_FILE"] = logPath
	s := start(t, env, "serve")
	var addr string
	deadline := time.Now().Add(20 * time.Second)
	for addr == "" {
		b, _ := os.ReadFile(logPath)
		for _, rec := range jsonLogs(string(b)) {
			if rec["msg"] == "listening" {
				addr, _ = rec["addr"].(string)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no listening line in %s: %q", logPath, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if s.out.String() != "" {
		t.Fatalf("logs went to stdout too: %q", s.out.String())
	}
	// logrotate: move the file away, then SIGHUP.
	if err := os.Rename(logPath, logPath+".1"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(20 * time.Second)
	for {
		get(t, "http://"+addr+"/healthz")
		b, _ := os.ReadFile(logPath)
		if strings.Contains(string(b), `"route":"GET /healthz"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line in the reopened file")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if fi, err := os.Stat(logPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("log file mode: %v %v", fi, err)
	}
	s.stop(t)
}
