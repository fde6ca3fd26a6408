package web

import (
	"net/http"
	"strings"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

func (a *app) adminServices(w http.ResponseWriter, r *http.Request) {
	a.renderServices(w, r, http.StatusOK, views.ServiceForm{Visible: true})
}

func (a *app) renderServices(w http.ResponseWriter, r *http.Request, status int, f views.ServiceForm) {
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
	if len(f.Price) > 20 {
		f.Price = f.Price[:20]
	}
	return f, sv
}

func serviceText(sv *garage.Service) string {
	s := sv.Title
	if sv.PriceFrom != nil {
		s += " (à partir de " + format.Euros(*sv.PriceFrom) + ")"
	}
	if !sv.Visible {
		s += " [masqué]"
	}
	return s + " : " + sv.Description
}

func (a *app) adminServiceCreate(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	f, sv := serviceFromForm(r)
	if len(f.Errors) > 0 {
		a.renderServices(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := a.store.CreateService(r.Context(), sv, a.now()); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.audit(r, currentUser(r.Context()), "service.create", "service:"+itoa(int(sv.ID)), map[string]string{"after": serviceText(sv)})
	a.flashRedirect(w, r, "Le service « "+sv.Title+" » a été ajouté.", "/admin/services")
}

// serviceTarget loads the service named by the route's {id}; 404 otherwise.
func (a *app) serviceTarget(w http.ResponseWriter, r *http.Request) (*garage.Service, bool) {
	id, ok := a.pathID(w, r)
	if !ok {
		return nil, false
	}
	sv, err := a.store.ServiceByID(r.Context(), id)
	if err != nil {
		a.storeError(w, r, err)
		return nil, false
	}
	return sv, true
}

func (a *app) adminServiceEdit(w http.ResponseWriter, r *http.Request) {
	sv, ok := a.serviceTarget(w, r)
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

func (a *app) adminServiceUpdate(w http.ResponseWriter, r *http.Request) {
	before, ok := a.serviceTarget(w, r)
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
	if err := a.store.UpdateService(r.Context(), sv, a.now()); err != nil {
		a.storeError(w, r, err)
		return
	}
	a.audit(r, currentUser(r.Context()), "service.update", "service:"+itoa(int(id)),
		map[string]string{"before": serviceText(before), "after": serviceText(sv)})
	a.flashRedirect(w, r, "Le service « "+sv.Title+" » a été enregistré.", "/admin/services")
}

func (a *app) adminServiceMove(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r)
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
	moved, err := a.store.MoveService(r.Context(), id, delta, a.now())
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	if moved {
		a.audit(r, currentUser(r.Context()), "service.move", "service:"+itoa(int(id)), map[string]string{"direction": r.PostForm.Get("dir")})
	}
	// Back to the moved row, so keyboard users keep their place.
	http.Redirect(w, r, "/admin/services#service-"+itoa(int(id)), http.StatusSeeOther)
}

func (a *app) adminServiceVisibility(w http.ResponseWriter, r *http.Request) {
	sv, ok := a.serviceTarget(w, r)
	if !ok {
		return
	}
	ctx, id := r.Context(), sv.ID
	sv.Visible = !sv.Visible
	if err := a.store.UpdateService(ctx, sv, a.now()); err != nil {
		a.storeError(w, r, err)
		return
	}
	action, msg := "service.hide", "Le service « "+sv.Title+" » est masqué sur le site."
	if sv.Visible {
		action, msg = "service.show", "Le service « "+sv.Title+" » est affiché sur le site."
	}
	a.audit(r, currentUser(ctx), action, "service:"+itoa(int(id)), map[string]string{"title": sv.Title})
	a.flashRedirect(w, r, msg, "/admin/services#service-"+itoa(int(id)))
}

func (a *app) adminServiceDelete(w http.ResponseWriter, r *http.Request) {
	sv, ok := a.serviceTarget(w, r)
	if !ok {
		return
	}
	ctx, id := r.Context(), sv.ID
	if err := a.store.DeleteService(ctx, id); err != nil {
		a.storeError(w, r, err)
		return
	}
	if sv.Image != "" {
		a.deletePhotoFiles(r, []string{sv.Image})
	}
	a.audit(r, currentUser(ctx), "service.delete", "service:"+itoa(int(id)), map[string]string{"before": serviceText(sv)})
	a.flashRedirect(w, r, "Le service « "+sv.Title+" » a été supprimé.", "/admin/services")
}
