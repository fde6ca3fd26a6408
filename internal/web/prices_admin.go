package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

func (a *app) pricesAdmin(w http.ResponseWriter, r *http.Request) {
	b, err := a.store.PriceBoardOn(r.Context(), a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	a.renderPricesAdmin(w, r, http.StatusOK, views.PriceItemForm{}, policyForm(b.Policy))
}

func policyForm(p garage.QuotePolicy) views.PolicyForm {
	return views.PolicyForm{Free: p.Free, Fee: garage.FormatDecimal(p.FeeCents), Days: strconv.Itoa(p.ValidityDays),
		VAT: garage.FormatQuantity(p.VATBasisPoints)}
}

func (a *app) renderPricesAdmin(w http.ResponseWriter, r *http.Request, status int, item views.PriceItemForm, policy views.PolicyForm) {
	ctx := r.Context()
	b, err := a.store.PriceBoardOn(ctx, a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	hist, err := a.store.PriceHistory(ctx, 200)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p, err := a.page(r, "tarifs", "Tarifs", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex = true
	a.render(w, r, status, views.AdminPrices(p, views.PricesAdmin{Board: b, History: hist, Item: item, Policy: policy}))
}

// pricesAdminPost records a new version of a rate or a forfait.
func (a *app) pricesAdminPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	get := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	f := views.PriceItemForm{Kind: get("type"), Code: get("code"), Label: get("label"),
		Contents: strings.ReplaceAll(get("contents"), "\r\n", "\n"), Price: get("price"), Position: get("position")}
	v := garage.NewValidator()
	kind := garage.PriceKind(f.Kind)
	v.Choose("type", kind.Valid())
	code := garage.PriceCode(f.Code)
	if f.Code == "" {
		v.Fail("code", "Le code est obligatoire.")
	} else {
		v.Check(garage.ValidPriceCode(code), "code", "Le code ne peut contenir que des lettres sans accent, des chiffres et des tirets (40 au plus).")
	}
	it := &garage.PriceItem{Kind: kind, Code: code, Active: true,
		Label:    v.Line("label", "Le libellé", f.Label, true, garage.PriceMaxLabel),
		Contents: v.Text("contents", "Le contenu du forfait", f.Contents, false, 0, garage.PriceMaxContents)}
	price, ok := garage.ParseCents(f.Price)
	switch {
	case f.Price == "":
		v.Fail("price", "Le prix est obligatoire.")
	case !ok || price > garage.PriceMaxCents:
		v.Fail("price", "Le prix doit être un montant en euros entre 0 et 100 000 (exemple : 72,50).")
	}
	it.CentsTTC = price
	if f.Position != "" {
		it.Position, _ = v.Int("position", "L'ordre d'affichage", f.Position, 0, 999, "")
	}
	if !v.Valid() {
		f.Errors = v.Errors
		b, err := a.store.PriceBoardOn(r.Context(), a.now())
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		a.renderPricesAdmin(w, r, http.StatusUnprocessableEntity, f, policyForm(b.Policy))
		return
	}
	if err := a.store.SetPriceItem(r.Context(), it, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Le tarif « "+it.Label+" » est enregistré, en vigueur dès maintenant.", views.AdminPricesPath)
}

// pricesWithdrawPost withdraws an item of the board from now on.
func (a *app) pricesWithdrawPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	b, err := a.store.PriceBoardOn(r.Context(), a.now())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	var cur *garage.PriceItem
	switch garage.PriceKind(r.PostForm.Get("type")) {
	case garage.PriceRate:
		cur = b.Rate(r.PostForm.Get("code"))
	case garage.PriceForfait:
		cur = b.Forfait(r.PostForm.Get("code"))
	}
	if cur == nil {
		a.errorPage(w, r, http.StatusNotFound)
		return
	}
	it := *cur
	it.Active = false
	if err := a.store.SetPriceItem(r.Context(), &it, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Le tarif « "+it.Label+" » est retiré.", views.AdminPricesPath)
}

// pricesPolicyPost records a new quote policy.
func (a *app) pricesPolicyPost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	get := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	f := views.PolicyForm{Free: r.PostForm.Get("gratuit") == "1", Fee: get("fee"), Days: get("days"), VAT: get("vat")}
	v := garage.NewValidator()
	p := garage.QuotePolicy{Free: f.Free}
	if f.Fee != "" {
		fee, ok := garage.ParseCents(f.Fee)
		v.Check(ok && fee <= garage.PolicyMaxFee, "fee", "Le prix du devis doit être un montant entre 0 et 1 000 €.")
		p.FeeCents = fee
	}
	if f.Days == "" {
		v.Fail("days", "La durée de validité est obligatoire.")
	} else {
		p.ValidityDays, _ = v.Int("days", "La durée de validité", f.Days, 1, garage.PolicyMaxDays, "jours")
	}
	vat, ok := garage.ParseCents(f.VAT)
	v.Check(ok && vat <= garage.MaxVATBasisPoints, "vat", "Le taux de TVA doit être un pourcentage entre 0 et 100 (exemple : 20).")
	p.VATBasisPoints = vat
	if !v.Valid() {
		f.Errors = v.Errors
		a.renderPricesAdmin(w, r, http.StatusUnprocessableEntity, views.PriceItemForm{}, f)
		return
	}
	if err := a.store.SetQuotePolicy(r.Context(), p, a.now(), a.actor(r)); err != nil {
		a.serverError(w, r, err)
		return
	}
	a.flashRedirect(w, r, "Les conditions des devis sont enregistrées.", views.AdminPricesPath)
}
