package web

import (
	"net/http"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

func (a *app) serviceAdminList(w http.ResponseWriter, r *http.Request) {
	a.renderServiceAdminList(w, r, http.StatusOK, views.ServiceForm{Visible: true})
}

func (a *app) renderServiceAdminList(w http.ResponseWriter, r *http.Request, status int, f views.ServiceForm) {
	p, err := a.page(r, "services-admin", "Services", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	list, err := a.store.ListServices(r.Context(), false)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, status, views.AdminServices(p, list, f))
}

// serviceFromForm reads and checks the service form.
func serviceFromForm(r *http.Request) (views.ServiceForm, *garage.Service) {
	form := r.PostForm.Get
	v := garage.NewValidator()
	f := views.ServiceForm{Errors: v.Errors, Visible: form("visible") != "", Price: strings.TrimSpace(form("price"))}
	f.Title = v.Line("title", "Le titre", form("title"), true, garage.ServiceMaxTitle)
	f.Description = v.Text("description", "La description", form("description"), false, 0, garage.ServiceMaxDescription)
	sv := &garage.Service{Title: f.Title, Description: f.Description, Visible: f.Visible}
	if n, ok := v.Int("price", "Le prix", f.Price, 0, garage.ServiceMaxPrice, "€"); ok {
		sv.PriceFrom = &n
	}
	f.Bookable, f.Minutes = form("bookable") != "", strings.TrimSpace(form("minutes"))
	if n, ok := v.Int("minutes", "La durée à l'atelier", f.Minutes, 5, garage.WorkshopMaxMinutes, "min"); ok {
		v.Check(n%5 == 0, "minutes", "La durée à l'atelier doit être un multiple de 5 minutes.")
		sv.Minutes = n
	}
	v.Check(!f.Bookable || sv.Minutes > 0, "minutes", "Indiquez la durée à l'atelier d'un service réservable en ligne.")
	sv.Bookable = f.Bookable
	if len(f.Minutes) > 5 {
		f.Minutes = f.Minutes[:5]
	}
	if len(f.Price) > 20 {
		f.Price = f.Price[:20]
	}
	return f, sv
}

func (a *app) serviceCreatePost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	f, sv := serviceFromForm(r)
	if len(f.Errors) > 0 {
		a.renderServiceAdminList(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := a.store.CreateService(r.Context(), sv, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Le service « "+sv.Title+" » a été ajouté.", "/admin/services")
}

func (a *app) serviceEdit(w http.ResponseWriter, r *http.Request) {
	sv, ok := byPathID(a, w, r, a.store.ServiceByID)
	if !ok {
		return
	}
	a.renderServiceEdit(w, r, http.StatusOK, serviceEditForm(sv))
}

func (a *app) renderServiceEdit(w http.ResponseWriter, r *http.Request, status int, f views.ServiceForm) {
	p, err := a.page(r, "services-admin", "Modifier un service", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, status, views.AdminServiceEdit(p, f))
}

func (a *app) serviceEditPost(w http.ResponseWriter, r *http.Request) {
	before, ok := byPathID(a, w, r, a.store.ServiceByID)
	if !ok || !a.parseForm(w, r) {
		return
	}
	id := before.ID
	f, sv := serviceFromForm(r)
	f.ID, sv.ID, f.Image = id, id, before.Image
	if len(f.Errors) > 0 {
		a.renderServiceEdit(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := a.store.UpdateService(r.Context(), sv, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Le service « "+sv.Title+" » a été enregistré.", "/admin/services")
}

func (a *app) serviceMovePost(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id")
	if !ok || !a.parseForm(w, r) {
		return
	}
	delta := 0
	switch r.PostForm.Get("dir") {
	case "haut":
		delta = -1
	case "bas":
		delta = 1
	default:
		a.errorPage(w, r, http.StatusBadRequest)
		return
	}
	if _, err := a.store.MoveService(r.Context(), id, delta, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, views.AdminServiceRow(id), http.StatusSeeOther)
}

func (a *app) serviceVisibilityPost(w http.ResponseWriter, r *http.Request) {
	sv, ok := byPathID(a, w, r, a.store.ServiceByID)
	if !ok {
		return
	}
	if _, err := a.store.SetServiceVisible(r.Context(), sv.ID, !sv.Visible, a.now(), a.actor(r)); err != nil {
		a.storeError(w, r, err)
		return
	}
	msg := "Le service « " + sv.Title + " » est affiché sur le site."
	if sv.Visible {
		msg = "Le service « " + sv.Title + " » est masqué sur le site."
	}
	a.flashRedirect(w, r, msg, views.AdminServiceRow(sv.ID))
}

func (a *app) serviceDeletePost(w http.ResponseWriter, r *http.Request) {
	sv, ok := byPathID(a, w, r, a.store.ServiceByID)
	if !ok {
		return
	}
	before, err := a.store.DeleteService(r.Context(), sv.ID, a.now(), a.actor(r))
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	if before.Image != "" {
		a.deletePhotoFiles(r, []string{before.Image})
	}
	a.flashRedirect(w, r, "Le service « "+sv.Title+" » a été supprimé.", "/admin/services")
}
