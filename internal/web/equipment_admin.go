package web

import (
	"errors"
	"net/http"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// equipmentList lists the shared equipment vocabulary with its use.
func (a *app) equipmentList(w http.ResponseWriter, r *http.Request) {
	a.renderEquipmentList(w, r, http.StatusOK, 0, nil)
}

func (a *app) renderEquipmentList(w http.ResponseWriter, r *http.Request, status int, failedID int64, errs garage.FieldErrors) {
	p, err := a.page(r, "equipements", "Équipements et options", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	list, err := a.store.ListEquipmentUse(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.render(w, r, status, views.AdminEquipment(p, list, failedID, errs))
}

// equipmentRenamePost renames an entry everywhere it is used.
func (a *app) equipmentRenamePost(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id")
	if !ok || !a.parseForm(w, r) {
		return
	}
	v := garage.NewValidator()
	name := garage.SquashSpaces(v.Line("name", "Le nom", r.PostForm.Get("name"), true, garage.MaxEquipmentName))
	if !v.Valid() {
		a.renderEquipmentList(w, r, http.StatusUnprocessableEntity, id, v.Errors)
		return
	}
	before, err := a.store.RenameEquipment(r.Context(), id, name, a.now(), a.actor(r))
	switch {
	case errors.Is(err, store.ErrConflict):
		a.renderEquipmentList(w, r, http.StatusUnprocessableEntity, id, garage.FieldErrors{"name": "Un autre équipement porte déjà ce nom."})
		return
	case err != nil:
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "« "+before+" » s'appelle désormais « "+name+" ».", "/admin/equipements")
}

// equipmentDeletePost removes an entry from the vocabulary and the cars.
func (a *app) equipmentDeletePost(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id")
	if !ok {
		return
	}
	name, err := a.store.DeleteEquipment(r.Context(), id, a.now(), a.actor(r))
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "« "+name+" » a été retiré de la liste et des voitures.", "/admin/equipements")
}
