// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp) in
// the test process, on loopback, and records every message it receives.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/vparrot/garage/internal/config"
)

// Received is one message as the server got it.
type Received struct {
	From string   // MAIL FROM
	To   []string // RCPT TO, in order
	Data []byte   // the raw message
}

// Header returns the parsed header of the message.
func (r Received) Header() netmail.Header {
	m, err := netmail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		return netmail.Header{}
	}
	return m.Header
}

// Subject is the decoded Subject header.
func (r Received) Subject() string {
	s, err := new(mime.WordDecoder).DecodeHeader(r.Header().Get("Subject"))
	if err != nil {
		return "(undecodable) " + r.Header().Get("Subject")
	}
	return s
}

// Part returns the decoded body part of the given media type ("text/plain",
// "text/html"), looking inside multipart messages.
func (r Received) Part(mediaType string) string {
	m, err := netmail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		return ""
	}
	return findPart(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body, mediaType)
}

func findPart(contentType, encoding string, body io.Reader, want string) string {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return ""
			}
			if s := findPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, want); s != "" {
				return s
			}
		}
	}
	if mt != want {
		return ""
	}
	if strings.EqualFold(encoding, "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, _ := io.ReadAll(body)
	return string(b)
}

// Attachment is a file attached to a received message, decoded.
type Attachment struct {
	Name        string
	ContentType string // the media type, without parameters
	Data        []byte
}

// Attachments returns the parts of the message sent as attachments (those
// with a file name), decoded, in order.
func (r Received) Attachments() []Attachment {
	m, err := netmail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		return nil
	}
	var out []Attachment
	collectAttachments(textproto.MIMEHeader(m.Header), m.Body, &out)
	return out
}

func collectAttachments(h textproto.MIMEHeader, body io.Reader, out *[]Attachment) {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			collectAttachments(p.Header, p, out)
		}
	}
	_, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if name == "" {
		return
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	data, _ := io.ReadAll(body)
	*out = append(*out, Attachment{Name: name, ContentType: mt, Data: data})
}

// Server is a recording SMTP server on 127.0.0.1.
type Server struct {
	t    testing.TB
	srv  *smtp.Server
	addr string

	mu       sync.Mutex
	received []Received
}

// Start runs a server on addr ("127.0.0.1:0" for any free port), stopped at
// the end of the test.
func Start(t testing.TB, addr string) *Server {
	t.Helper()
	s := &Server{t: t}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 1 << 20
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("smtp listen: %v", err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(s.Stop)
	return s
}

// FreeAddr returns a loopback address nobody listens on (yet): an SMTP
// server that is down.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// MailConfig returns the MAIL_* settings to reach addr without TLS.
func MailConfig(t testing.TB, addr string) config.MailConfig {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return config.MailConfig{Server: host, Port: p, From: "Garage V. Parrot <ne-pas-repondre@garage-parrot.test>"}
}

// Addr is the server's address.
func (s *Server) Addr() string { return s.addr }

// Stop closes the server.
func (s *Server) Stop() { _ = s.srv.Close() }

// Messages returns a copy of what was received so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	from string
	to   []string
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }
func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}
func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(ss.to) == 0 {
		return errors.New("no recipient")
	}
	ss.s.mu.Lock()
	ss.s.received = append(ss.s.received, Received{From: ss.from, To: append([]string(nil), ss.to...), Data: b})
	ss.s.mu.Unlock()
	return nil
}
