package web

import (
	"net/http"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

const (
	moderationPageSize = 30
)

func (a *app) reviewAdminList(w http.ResponseWriter, r *http.Request) {
	page, ok := a.pageParam(w, r)
	if !ok {
		return
	}
	a.renderReviewAdminList(w, r, http.StatusOK, page, "")
}

func (a *app) renderReviewAdminList(w http.ResponseWriter, r *http.Request, status, page int, msg string) {
	p, err := a.page(r, "avis", "Avis clients", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	list, err := a.store.ListTestimonialsForModeration(r.Context(), moderationPageSize+1, (page-1)*moderationPageSize)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	d := views.AdminReviewsData{Reviews: list, Page: page, Error: msg}
	if len(list) > moderationPageSize {
		d.HasNext, d.Reviews = true, list[:moderationPageSize]
	}
	a.render(w, r, status, views.AdminReviews(p, d))
}

func (a *app) reviewNew(w http.ResponseWriter, r *http.Request) {
	a.renderReviewNew(w, r, http.StatusOK, views.ReviewFormData{})
}

func (a *app) renderReviewNew(w http.ResponseWriter, r *http.Request, status int, f views.ReviewFormData) {
	p, err := a.page(r, "avis", "Ajouter un avis", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, status, views.AdminReviewNew(p, f))
}

// reviewNewPost publishes a review received offline, marked as
// entered by the garage.
func (a *app) reviewNewPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	f, t := a.parseReviewForm(r, false)
	if t == nil {
		a.renderReviewNew(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	u := currentUser(r.Context())
	t.Status, t.Source, t.CreatedBy, t.ModeratedBy = garage.TestimonialApproved, garage.SourceStaff, &u.ID, &u.ID
	if err := a.store.CreateTestimonial(r.Context(), t, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flash(r, "Avis publié.")
	http.Redirect(w, r, "/admin/avis", http.StatusSeeOther)
}

// reviewModeratePost returns the handler of one moderation action.
func (a *app) reviewModeratePost(status garage.TestimonialStatus) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !a.parseForm(w, r) {
			return
		}
		id, ok := a.pathID(w, r, "id")
		if !ok {
			return
		}
		u := currentUser(r.Context())
		mod := garage.Moderation{Status: status, By: u.ID}
		var notify func(*garage.Testimonial) (*garage.OutboxMail, error)
		if status == garage.TestimonialRejected {
			v := garage.NewValidator()
			mod.RejectGround = r.PostForm.Get("motif")
			v.Choose("motif", garage.GroundLabel(mod.RejectGround) != "")
			mod.RejectReason = v.Text("precision", "La précision", r.PostForm.Get("precision"), false, 0, garage.ReviewMaxRejectReason)
			if !v.Valid() {
				a.renderReviewAdminList(w, r, http.StatusUnprocessableEntity, 1, v.First("motif", "precision"))
				return
			}
			notify = func(t *garage.Testimonial) (*garage.OutboxMail, error) {
				if t.Email == "" {
					return nil, nil // nobody to tell
				}
				return views.RenderMail(r.Context(), views.ReviewRefusal{Review: t, Moderation: mod, Garage: a.garageName(r.Context()),
					RulesURL: a.cfg.PublicURL + "/avis/moderation"})
			}
		}
		if _, err := a.store.ModerateTestimonial(r.Context(), id, mod, notify, a.now(), a.actor(r)); err != nil {
			a.storeError(w, r, err)
			return
		}
		a.flash(r, map[garage.TestimonialStatus]string{
			garage.TestimonialApproved: "Avis publié.",
			garage.TestimonialRejected: "Avis refusé.",
			garage.TestimonialPending:  "Avis remis en attente.",
		}[status])
		http.Redirect(w, r, "/admin/avis", http.StatusSeeOther)
	}
}

func (a *app) reviewDeletePost(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id")
	if !ok {
		return
	}
	if _, err := a.store.DeleteTestimonial(r.Context(), id, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flash(r, "Avis supprimé.")
	http.Redirect(w, r, "/admin/avis", http.StatusSeeOther)
}
