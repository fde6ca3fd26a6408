package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

const (
	reviewsPageSize = 20
	homeReviewCount = 3
	reviewForm      = "avis" // purpose of the signed render time
	reviewLimit     = 5      // reviews per IP per reviewWindow
	reviewWindow    = 10 * time.Minute
)

// reviewsSince is the oldest publication still shown.
func (a *app) reviewsSince() time.Time { return garage.ReviewsSince(a.now()) }

func (a *app) homeReviews(ctx context.Context) (views.HomeReviews, error) {
	var h views.HomeReviews
	var err error
	since := a.reviewsSince()
	if h.Count, h.Average, err = a.store.TestimonialStats(ctx, since); err != nil {
		return h, err
	}
	h.Latest, err = a.store.ListApprovedTestimonials(ctx, since, homeReviewCount, 0)
	return h, err
}

func (a *app) reviewList(w http.ResponseWriter, r *http.Request) {
	page, ok := a.pageParam(w, r)
	if !ok {
		return
	}
	a.renderReviews(w, r, http.StatusOK, page, views.ReviewFormData{Token: a.formStamp(r, reviewForm)})
}

func (a *app) renderReviews(w http.ResponseWriter, r *http.Request, status, page int, f views.ReviewFormData) {
	ctx := r.Context()
	p, err := a.page(r, "avis", "Avis clients", "Les avis vérifiés des clients du "+garage.DefaultName+" à Toulouse, et le formulaire pour donner le vôtre.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	d := views.ReviewsData{Page: page, Form: f}
	since := a.reviewsSince()
	if d.Count, d.Average, err = a.store.TestimonialStats(ctx, since); err != nil {
		a.serverError(w, r, err)
		return
	}
	if d.Reviews, err = a.store.ListApprovedTestimonials(ctx, since, reviewsPageSize+1, (page-1)*reviewsPageSize); err != nil {
		a.serverError(w, r, err)
		return
	}
	if len(d.Reviews) > reviewsPageSize {
		d.HasNext, d.Reviews = true, d.Reviews[:reviewsPageSize]
	}
	a.render(w, r, status, views.ReviewsPage(p, d))
}

func (a *app) reviewRulesPage(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "avis", "Modération des avis", "Comment le "+garage.DefaultName+" vérifie et publie les avis de ses clients.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, views.ReviewsModeration(p))
}

func (a *app) reviewThanks(w http.ResponseWriter, r *http.Request) {
	p, err := a.page(r, "avis", "Avis envoyé", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, http.StatusOK, views.ReviewThanks(p))
}

// reviewCreatePost stores a visitor's review as pending, whatever else the form
// claims: only the staff publishes.
func (a *app) reviewCreatePost(w http.ResponseWriter, r *http.Request) {
	if !a.parsePublicForm(w, r, reviewForm, "/avis/merci") {
		return
	}
	ctx := r.Context()
	f, t := a.parseReviewForm(r, true)
	if t == nil {
		f.Token = r.PostForm.Get("jeton")
		a.renderReviews(w, r, http.StatusUnprocessableEntity, 1, f)
		return
	}
	if !a.allow(w, r, "avis:"+limitIPFrom(ctx), reviewLimit, reviewWindow) {
		return
	}
	t.Status, t.Source = garage.TestimonialPending, garage.SourceVisitor
	key := submissionKey(r, reviewForm, t.Name, t.Comment, strconv.Itoa(t.Rating), string(t.ExperienceDate), strings.ToLower(t.Email))
	// A visitor: not audited.
	if err := a.store.CreateTestimonialOnce(ctx, key, t, a.now(), garage.Actor{}); errors.Is(err, store.ErrAlreadySubmitted) {
		a.log.Info("review already stored", "request_id", requestID(ctx))
		http.Redirect(w, r, "/avis/merci", http.StatusSeeOther)
		return
	} else if err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/avis/merci", http.StatusSeeOther)
}

// parseReviewForm validates a review form; t is nil when it has errors.
func (a *app) parseReviewForm(r *http.Request, visitor bool) (views.ReviewFormData, *garage.Testimonial) {
	get := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	f := views.ReviewFormData{
		Nom: get("nom"), Commentaire: strings.ReplaceAll(get("commentaire"), "\r\n", "\n"), Note: get("note"),
		DateExperience: get("date_experience"),
	}
	if visitor {
		f.Email = get("email")
	}
	now := a.now()
	v := garage.NewValidator()
	t := &garage.Testimonial{
		Name:    v.Line("nom", "Le nom", f.Nom, true, garage.ReviewMaxName),
		Comment: v.Text("commentaire", "L'avis", f.Commentaire, true, garage.ReviewMinComment, garage.ReviewMaxComment),
		Rating:  v.Rating("note", f.Note),
		ExperienceDate: garage.DateText(v.Date("date_experience", "La date de l'expérience", f.DateExperience, false,
			now.AddDate(-garage.ReviewMaxExperienceYears, 0, 0), now)),
		Email: v.Email("email", "L'adresse e-mail", f.Email, false),
	}
	if v.Has("note") {
		f.Note = ""
	}
	if f.Errors = v.Errors; !v.Valid() {
		return f, nil
	}
	return f, t
}
