package web

import (
	"encoding/xml"
	"net/http"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

// robotsTXT keeps crawlers out of the back office and points them to the sitemap.
func (a *app) robotsTXT(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write([]byte("User-agent: *\nDisallow: /admin\nDisallow: /connexion\nSitemap: " + a.cfg.PublicURL + "/sitemap.xml\n"))
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

// sitemapStaticPaths are the public pages listed in sitemap.xml besides cars.
var sitemapStaticPaths = []string{"/", "/services", "/rendez-vous", "/tarifs", "/devis", "/occasions", "/avis", "/avis/moderation",
	"/contact", "/mentions-legales", "/confidentialite"}

// sitemapMaxCars bounds the sitemap (one file holds at most 50 000 URLs).
const sitemapMaxCars = 40000

// sitemapXML lists the static pages, the published cars and the cars sold in
// the last soldBadgeDays days.
func (a *app) sitemapXML(w http.ResponseWriter, r *http.Request) {
	since, err := a.soldSince(r.Context())
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	cars, _, err := a.store.ListCars(r.Context(), garage.CarFilter{
		Statuses: []garage.CarStatus{garage.CarPublished}, SoldSince: &since, Limit: sitemapMaxCars, NoCount: true,
	})
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	set := sitemapURLSet{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	for _, p := range sitemapStaticPaths {
		set.URLs = append(set.URLs, sitemapURL{Loc: a.cfg.PublicURL + p})
	}
	for _, c := range cars {
		set.URLs = append(set.URLs, sitemapURL{Loc: a.cfg.PublicURL + views.CarPath(c), LastMod: c.UpdatedAt.UTC().Format("2006-01-02")})
	}
	out, err := xml.MarshalIndent(set, "", "  ")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=600")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}
