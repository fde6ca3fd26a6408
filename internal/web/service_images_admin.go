package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

// serviceImagePrefix is where service images are stored.
const serviceImagePrefix = "services"

// serviceImagePost replaces a service's image with one uploaded photo
// (multipart field "photos"), checked and resized like car photos.
func (a *app) serviceImagePost(w http.ResponseWriter, r *http.Request) {
	sv, ok := byPathID(a, w, r, a.store.ServiceByID)
	if !ok {
		return
	}
	if !a.photosReady(w, r) {
		return
	}
	ctx := r.Context()
	form := serviceEditForm(sv)
	results, err := a.readPhotoUpload(w, r)
	var ue *errUpload
	switch {
	case errors.As(err, &ue):
		form.Errors = map[string]string{"image": ue.msg}
		a.renderServiceEdit(w, r, ue.status, form)
		return
	case err != nil:
		if ctx.Err() == nil {
			a.serverError(w, r, err)
		}
		return
	case len(results) != 1:
		form.Errors = map[string]string{"image": "Choisissez une seule image."}
		a.renderServiceEdit(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	key, err := a.storePhoto(ctx, results[0], serviceImagePrefix)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	before, err := a.store.SetServiceImage(ctx, sv.ID, key, a.now(), a.actor(r))
	if err != nil {
		a.deletePhotoFilesCtx(context.WithoutCancel(ctx), []string{key}) // no orphan files
		a.storeError(w, r, err)
		return
	}
	if before.Image != "" {
		a.deletePhotoFiles(r, []string{before.Image})
	}
	a.flashRedirect(w, r, "L'image du service « "+sv.Title+" » a été enregistrée.", views.AdminServicePath(sv.ID))
}

// serviceImageDeletePost removes a service's image and its files.
func (a *app) serviceImageDeletePost(w http.ResponseWriter, r *http.Request) {
	sv, ok := byPathID(a, w, r, a.store.ServiceByID)
	if !ok {
		return
	}
	before, err := a.store.SetServiceImage(r.Context(), sv.ID, "", a.now(), a.actor(r))
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	if before.Image != "" {
		a.deletePhotoFiles(r, []string{before.Image})
	}
	a.flashRedirect(w, r, "L'image du service « "+sv.Title+" » a été retirée.", views.AdminServicePath(sv.ID))
}

// serviceEditForm is the edit form filled from a stored service.
func serviceEditForm(sv *garage.Service) views.ServiceForm {
	f := views.ServiceForm{ID: sv.ID, Title: sv.Title, Description: sv.Description, Visible: sv.Visible, Image: sv.Image}
	if sv.PriceFrom != nil {
		f.Price = itoa(*sv.PriceFrom)
	}
	if f.Bookable = sv.Bookable; sv.Minutes > 0 {
		f.Minutes = itoa(sv.Minutes)
	}
	return f
}
