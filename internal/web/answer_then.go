package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/vparrot/garage/internal/web/views"
)

// deferredWorkTimeout bounds the work done after an answer has left.
const deferredWorkTimeout = 30 * time.Second

// answerThen sends the page c whole (with its length, flushed), so the
// visitor has the complete answer, and only then runs work, in the request's
// goroutine (a graceful shutdown waits for it like for any request) with a
// context that outlives the visitor's connection. Used where the time an
// answer takes must not depend on what the work finds (the password reset
// request: whether the address has an account). work reports its own errors
// to the log: the visitor has had their answer.
func (a *app) answerThen(w http.ResponseWriter, r *http.Request, status int, c templ.Component, work func(ctx context.Context)) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := c.Render(views.WithPhotoBase(r.Context(), a.cfg.Photos.PublicBaseURL), buf); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.deferredWork.Add(1)
	defer a.deferredWork.Done()
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	_ = http.NewResponseController(w).Flush()

	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), deferredWorkTimeout)
	defer cancel()
	if a.beforeDeferredWork != nil {
		a.beforeDeferredWork()
	}
	work(ctx)
}
