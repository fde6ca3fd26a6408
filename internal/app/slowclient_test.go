package app_test

import (
	"bufio"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/store"
)

// TestSlowClientsCannotExhaustTheServer opens many connections that send
// their headers a byte at a time (slowloris); real visitors are still
// served meanwhile, and the server drops the slow connections after its
// header timeout.
func TestSlowClientsCannotExhaustTheServer(t *testing.T) {
	s := start(t, serveEnv(migratedURL(t, store.SQLite)), "serve")
	addr := s.addr(t, "listening")
	var slow []net.Conn
	for range 200 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		slow = append(slow, c)
		c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "))
	}
	defer func() {
		for _, c := range slow {
			c.Close()
		}
	}()
	stop := make(chan struct{})
	go func() { // a byte now and then, never finishing the headers
		for {
			select {
			case <-stop:
				return
			case <-time.After(500 * time.Millisecond):
				for _, c := range slow {
					c.Write([]byte("a"))
				}
			}
		}
	}()
	defer close(stop)
	for range 20 {
		res, _ := get(t, "http://"+addr+"/healthz")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("a real visitor got %d while slow clients were connected", res.StatusCode)
		}
	}
	// The server closes a connection whose headers take too long.
	c := slow[0]
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, err := bufio.NewReader(c).ReadByte()
	if err == nil {
		// Go may first answer 408; the connection is closed right after.
		if _, err = bufio.NewReader(c).ReadString(0); err == nil {
			t.Fatal("slow connection still open")
		}
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server kept a slow connection open for 30 s")
	}
}
