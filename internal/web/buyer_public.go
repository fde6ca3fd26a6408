package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

// Favourites and comparison (issue 19, buyer side). The favourites live in
// the visitor's browser (localStorage, favoris.js): the site sets no cookie
// for visitors. The server only renders cars named in the URL, so both pages
// are shareable and cached like the other public pages.
const (
	maxFavourites = 50 // IDs read from /occasions/favoris?ids=
	minCompared   = 2
	maxCompared   = 4
)

// parseIDList reads the "ids" parameter: comma-separated or repeated
// positive numbers, duplicates dropped, in order. More than limit IDs, or an
// ID that is not a number, is refused with a French message.
func parseIDList(q url.Values, limit int) ([]int64, *badParam) {
	var ids []int64
	seen := map[int64]bool{}
	for _, v := range q["ids"] {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			id, err := strconv.ParseInt(part, 10, 64)
			if err != nil || id <= 0 {
				return nil, &badParam{"Le paramètre « ids » doit être une liste de numéros d'annonce séparés par des virgules."}
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			ids = append(ids, id)
			if len(ids) > limit {
				return nil, &badParam{"Trop de véhicules demandés : " + strconv.Itoa(limit) + " au plus."}
			}
		}
	}
	return ids, nil
}

// clientError answers status (4xx) with a French page saying msg.
func (a *app) clientError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	title := errorTexts[status][0]
	p, err := a.page(r, "", title, "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, status, views.ErrorPage(p, status, title, msg))
}

// favouritesPage is /occasions/favoris. Without ids (the page as linked
// from the menu), favoris.js fills the list from the browser's storage by
// asking this same page with ?ids= for its fragment; without JavaScript
// the page explains that favourites need it.
func (a *app) favouritesPage(w http.ResponseWriter, r *http.Request) {
	ids, bad := parseIDList(r.URL.Query(), maxFavourites)
	if bad != nil {
		a.badRequest(w, r, bad.msg)
		return
	}
	f := &views.Favourites{Asked: len(ids) > 0}
	if len(ids) > 0 {
		cars, err := a.store.CarsByIDs(r.Context(), ids)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		for _, c := range cars {
			if c.Status == garage.CarPublished || c.Status == garage.CarSold {
				f.Cars = append(f.Cars, c)
			}
		}
	}
	w.Header().Set("Vary", "X-Requested-With")
	if wantsFragment(r) {
		a.render(w, r, http.StatusOK, views.FavouriteList(f))
		return
	}
	p, err := a.page(r, "occasions", "Mes favoris", "Les véhicules d'occasion que vous avez mis de côté, gardés dans votre navigateur.")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, http.StatusOK, views.FavouritesPage(p, f))
}

// carCompare is /occasions/comparer?ids=1,2,3: two to four cars for sale
// side by side, the rows that differ marked. It works from the URL alone.
func (a *app) carCompare(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ids, bad := parseIDList(r.URL.Query(), maxCompared)
	if bad != nil {
		a.badRequest(w, r, bad.msg)
		return
	}
	if len(ids) < minCompared {
		a.badRequest(w, r, "Choisissez au moins deux véhicules à comparer (quatre au plus), par exemple depuis vos favoris.")
		return
	}
	cars, err := a.store.CarsByIDs(ctx, ids)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	found := map[int64]*garage.Car{}
	for _, c := range cars {
		found[c.ID] = c
	}
	equipment := make([][]*garage.Equipment, len(ids))
	for i, id := range ids {
		c := found[id]
		if c == nil || c.Status != garage.CarPublished {
			a.clientError(w, r, http.StatusNotFound, "Le véhicule n° "+strconv.FormatInt(id, 10)+
				" n'est pas ou plus en vente : retirez-le de la comparaison.")
			return
		}
		if equipment[i], err = a.store.CarEquipment(ctx, id); err != nil {
			a.serverError(w, r, err)
			return
		}
	}
	p, err := a.page(r, "occasions", "Comparer des véhicules", "Comparaison de véhicules d'occasion du "+garage.DefaultName+".")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, http.StatusOK, views.ComparePage(p, views.NewComparison(cars, equipment)))
}
