package e2e

import (
	"context"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/mail/mailtest"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/store/storetest"
)

// The employee seeded for the stories.
const (
	employeeEmail    = "julie@garage-parrot.test"
	employeePassword = "Pistons-Bleus-2026"
)

// spamDelay is how long a person takes to fill in a public form: the
// product drops submissions made under 3 s after the form was rendered.
const spamDelay = 3500 * time.Millisecond

// seedCars are the published cars of the stories, with different prices.
var seedCars = []garage.Car{
	{Make: "Peugeot", Model: "208", Version: "1.2 PureTech 110 Allure", Price: 12490, RegMonth: 3, RegYear: 2021, Mileage: 45000, Fuel: "essence", Gearbox: "manuelle", CritAir: "1"},
	{Make: "Renault", Model: "Clio V", Version: "1.0 TCe 90 Zen", Price: 9990, RegMonth: 6, RegYear: 2019, Mileage: 78000, Fuel: "essence", Gearbox: "manuelle", CritAir: "1"},
	{Make: "Citroën", Model: "C3", Version: "1.5 BlueHDi 100 Feel", Price: 7900, RegMonth: 9, RegYear: 2017, Mileage: 120000, Fuel: "diesel", Gearbox: "manuelle", CritAir: "2"},
	{Make: "Peugeot", Model: "3008", Version: "1.5 BlueHDi 130 GT", Price: 21900, RegMonth: 1, RegYear: 2020, Mileage: 62000, Fuel: "diesel", Gearbox: "automatique", CritAir: "2"},
	{Make: "Dacia", Model: "Sandero", Version: "1.0 SCe 65 Essential", Price: 8500, RegMonth: 4, RegYear: 2018, Mileage: 90000, Fuel: "essence", Gearbox: "manuelle", CritAir: "1"},
	{Make: "Toyota", Model: "Yaris", Version: "1.5 Hybride 116 Dynamic", Price: 15900, RegMonth: 11, RegYear: 2020, Mileage: 55000, Fuel: "hybride", Gearbox: "automatique", CritAir: "1"},
}

// seedStories adds what the stories start from: an employee, six
// published cars and one approved review (rated 2).
func seedStories(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	if err := s.CreateUser(ctx, &garage.User{Email: employeeEmail, PasswordHash: testHash(t, employeePassword), FirstName: "Julie",
		LastName: "Martin", Role: garage.RoleEmployee, Active: true}, now, garage.Actor{}); err != nil {
		t.Fatal(err)
	}
	for i, c := range seedCars {
		c.Status = garage.CarPublished
		c.PublishedAt = now.Add(time.Duration(i-len(seedCars)) * time.Minute)
		c.BodyType, c.Colour, c.Doors, c.Seats = "citadine", "Gris", 5, 5
		if err := s.CreateCar(ctx, &c, nil, now, garage.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateTestimonial(ctx, &garage.Testimonial{Name: "Bernard L.", Comment: "Réparation correcte mais un peu d'attente.",
		Rating: 2, Status: garage.TestimonialApproved, Source: "staff"}, now.Add(-48*time.Hour), garage.Actor{}); err != nil {
		t.Fatal(err)
	}
}

// storySite starts the site of the stories on one engine, with a test SMTP
// server for its mail outbox.
func storySite(t *testing.T, engine store.Engine) (*site, *mailtest.Server) {
	t.Helper()
	smtp := mailtest.Start(t, "127.0.0.1:0")
	host, port, err := net.SplitHostPort(smtp.Addr())
	if err != nil {
		t.Fatal(err)
	}
	s := startSiteWith(t, engine, siteConfig{
		Env:  []string{"MAIL_SERVER=" + host, "MAIL_PORT=" + port, "MAIL_FROM=Garage V. Parrot <ne-pas-repondre@garage-parrot.test>"},
		Seed: seedStories,
	})
	return s, smtp
}

// TestStories walks the stories of the product in a real browser against
// the real binary, on each engine. The stories share one site per engine
// and run in this order; each one uses its own browser, and only
// GarageNotifiedByMail needs an earlier story (ContactFromCarPage). The
// engines run one after the other, to keep the load of the whole suite
// (go test runs packages side by side) reasonable.
func TestStories(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			s, smtp := storySite(t, engine)
			t.Run("FilterCarsWithoutReload", func(t *testing.T) { storyFilterCars(t, s) })
			t.Run("ContactFromCarPage", func(t *testing.T) { storyContactFromCar(t, s) })
			t.Run("ReviewModeratedThenShown", func(t *testing.T) { storyReview(t, s) })
			t.Run("OpeningHoursInFooter", func(t *testing.T) { storyHours(t, s) })
			t.Run("EmployeeAddsCarWithPhotos", func(t *testing.T) { storyAddCar(t, s) })
			t.Run("InvitedEmployeeThenDisabled", func(t *testing.T) { storyInvite(t, s, smtp) })
			t.Run("GarageNotifiedByMail", func(t *testing.T) { storyGarageMail(t, smtp) })
			t.Run("Accessibility", func(t *testing.T) { storyAccessibility(t, s) })
		})
	}
}

// countIs is a JavaScript condition: the result count reads want.
func countIs(want string) string {
	return `(() => { const e = document.querySelector("#resultats .result-count"); return !!e && e.textContent.trim() === ` + jsString(want) + `; })()`
}

// storyFilterCars: a visitor narrows the list without any reload, the URL
// follows, Back restores the list; the keyboard moves the sliders; and
// the same filter works with JavaScript disabled.
func storyFilterCars(t *testing.T, s *site) {
	b := newBrowser(t, 1280, 900)
	b.do(t, chromedp.Navigate(s.URL+"/occasions"))
	if got := b.text(t, "#resultats .result-count"); got != "6 véhicules" {
		t.Fatalf("result count %q, want 6 véhicules", got)
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](`window.__marker = 42`))

	// Type a maximum price: the list changes in place.
	b.do(t, chromedp.SendKeys(chromedp.ID("prix_max"), "10000"))
	b.waitJS(t, countIs("3 véhicules"))
	if m := eval[int](t, b, `window.__marker || 0`); m != 42 {
		t.Fatal("the page reloaded: the marker is gone")
	}
	if u := b.location(t); !strings.Contains(u, "prix_max=10000") {
		t.Fatalf("URL %q does not carry the filter", u)
	}
	titles := b.text(t, "#resultats .car-grid")
	for _, want := range []string{"Renault Clio V", "Citroën C3", "Dacia Sandero"} {
		if !strings.Contains(titles, want) {
			t.Errorf("filtered list lacks %s: %q", want, titles)
		}
	}
	if strings.Contains(titles, "3008") {
		t.Errorf("filtered list still shows a 21 900 € car: %q", titles)
	}
	if n := b.text(t, "[data-filter-count]"); n != "(1)" {
		t.Errorf("the Filtrer button counts %q active filters, want (1)", n)
	}

	// Back restores the previous results, still without a reload.
	b.back(t)
	b.waitJS(t, countIs("6 véhicules"))
	if m := eval[int](t, b, `window.__marker || 0`); m != 42 {
		t.Fatal("Back reloaded the page")
	}
	if n := b.text(t, "[data-filter-count]"); n != "" {
		t.Errorf("the Filtrer button counts %q active filters after Back, want none", n)
	}
	if u := b.location(t); strings.Contains(u, "prix_max") {
		t.Fatalf("URL after Back: %q", u)
	}
	if v := get(t, b, chromedp.Value(chromedp.ID("prix_max"))); v != "" {
		t.Errorf("Back left %q in the maximum price", v)
	}

	// Keyboard only: Tab from the mileage reset link to the price sliders,
	// arrow keys lower the maximum price, the results follow.
	b.do(t, chromedp.Focus(chromedp.CSS(`a[data-reset="km"]`)), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab))
	if label := eval[string](t, b, `document.activeElement.getAttribute("aria-label") || ""`); label != "Prix maximum" {
		t.Fatalf("two Tabs after the mileage reset reach %q, want the Prix maximum slider", label)
	}
	b.do(t, chromedp.KeyEvent(strings.Repeat(kb.ArrowLeft, 20)))
	b.waitJS(t, countIs("5 véhicules"))
	if v := get(t, b, chromedp.Value(chromedp.ID("prix_max"))); v == "" {
		t.Error("the slider did not update the number field")
	}
	if u := b.location(t); !strings.Contains(u, "prix_max=") {
		t.Errorf("URL after the slider: %q", u)
	}
	if m := eval[int](t, b, `window.__marker || 0`); m != 42 {
		t.Fatal("the slider reloaded the page")
	}

	// Without JavaScript: the plain GET form.
	nb := newBrowser(t, 1280, 900)
	nb.disableJS(t)
	nb.do(t, chromedp.Navigate(s.URL+"/occasions"))
	if js := eval[bool](t, nb, `document.documentElement.classList.contains("js")`); js {
		t.Fatal("site.js ran in the browser without JavaScript")
	}
	nb.do(t,
		chromedp.SendKeys(chromedp.ID("prix_max"), "10000"),
		activate(`.car-filters button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(`a.btn[data-reset-all]`)),
	)
	if got := nb.text(t, "#resultats .result-count"); got != "3 véhicules" {
		t.Errorf("without JavaScript: %q, want 3 véhicules", got)
	}
	if u := nb.location(t); !strings.Contains(u, "prix_max=10000") {
		t.Errorf("without JavaScript the URL is %q", u)
	}
}

// storyContactFromCar: a visitor writes from a car page; an employee finds
// the message with its car.
func storyContactFromCar(t *testing.T, s *site) {
	b := newBrowser(t, 390, 844)
	b.do(t,
		chromedp.Navigate(s.URL+"/occasions"),
		activate(`.car-card-title a[href*="-renault-clio"]`),
		chromedp.WaitVisible(chromedp.CSS(".car-page #contact-sujet")),
	)
	rendered := time.Now()
	carURL := b.location(t)
	m := regexp.MustCompile(`/occasions/(\d+)-`).FindStringSubmatch(carURL)
	if m == nil {
		t.Fatalf("car page URL %q", carURL)
	}
	carID := m[1]
	subject := get(t, b, chromedp.Value(chromedp.ID("contact-sujet")))
	if want := "Annonce n° " + carID + " — Renault Clio V 1.0 TCe 90 Zen"; subject != want {
		t.Fatalf("subject %q, want %q", subject, want)
	}
	b.do(t,
		chromedp.SendKeys(chromedp.ID("contact-nom"), "Lefèvre"),
		chromedp.SendKeys(chromedp.ID("contact-prenom"), "Amélie"),
		chromedp.SendKeys(chromedp.ID("contact-email"), "amelie.lefevre@example.test"),
		chromedp.SendKeys(chromedp.ID("contact-telephone"), "06 12 34 56 78"),
		chromedp.SendKeys(chromedp.ID("contact-message"), "Bonjour, la Clio est-elle toujours disponible ? Je peux passer samedi."),
	)
	time.Sleep(time.Until(rendered.Add(spamDelay)))
	b.do(t,
		activate(`.contact-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".contact-thanks h1")),
	)
	if h := b.text(t, ".contact-thanks h1"); h != "Message envoyé" {
		t.Fatalf("confirmation %q", h)
	}

	e := newBrowser(t, 1280, 900)
	e.login(t, s, employeeEmail, employeePassword)
	e.do(t, chromedp.Navigate(s.URL+"/admin/messages"))
	row := e.text(t, ".inbox-table tbody")
	if !strings.Contains(row, "Amélie Lefèvre") && !strings.Contains(row, "Lefèvre") {
		t.Fatalf("inbox lacks the message: %q", row)
	}
	if !strings.Contains(row, "n° "+carID) {
		t.Errorf("inbox row does not name car %s: %q", carID, row)
	}
	e.do(t,
		activate(`.inbox-table a[href^="/admin/messages/"]`),
		chromedp.WaitVisible(chromedp.CSS(`dd a[href="/occasions/`+carID+`"]`)),
	)
	if h := e.text(t, ".admin-main h1"); !strings.Contains(h, "Renault Clio V") {
		t.Errorf("message subject %q", h)
	}
	e.do(t,
		activate(`dd a[href="/occasions/`+carID+`"]`),
		chromedp.WaitVisible(chromedp.CSS(".car-page .car-title")),
	)
	if h := e.text(t, ".car-title"); h != "Renault Clio V 1.0 TCe 90 Zen" {
		t.Errorf("the message's car link opens %q", h)
	}
}

// postReview fills in /avis as a visitor, choosing the rating with the
// keyboard: Tab from the name into the star group, arrow keys to move.
func postReview(t *testing.T, s *site, b *browser, name, comment string, arrows int, wantRating string) {
	t.Helper()
	b.do(t, chromedp.Navigate(s.URL+"/avis"), chromedp.WaitVisible(chromedp.ID("avis-nom")))
	rendered := time.Now()
	b.do(t,
		chromedp.Focus(chromedp.ID("avis-nom")),
		chromedp.KeyEvent(name),
		chromedp.KeyEvent(kb.Tab),
	)
	if id := eval[string](t, b, `document.activeElement.id`); id != "avis-note-5" {
		t.Fatalf("Tab from the name reaches %q, want the first star", id)
	}
	b.do(t, chromedp.KeyEvent(strings.Repeat(kb.ArrowRight, arrows)))
	if v := eval[string](t, b, `(document.querySelector('input[name="note"]:checked') || {}).value || ""`); v != wantRating {
		t.Fatalf("rating chosen with the keyboard: %q, want %s", v, wantRating)
	}
	b.do(t, chromedp.SendKeys(chromedp.ID("avis-commentaire"), comment))
	time.Sleep(time.Until(rendered.Add(spamDelay)))
	b.do(t,
		activate(`.review-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".contact-thanks h1")),
	)
}

// approveReview publishes, in /admin/avis, the pending review by name.
func approveReview(t *testing.T, s *site, e *browser, name string) {
	t.Helper()
	e.do(t, chromedp.Navigate(s.URL+"/admin/avis"))
	id := eval[string](t, e, `(Array.from(document.querySelectorAll(".moderation-list > li")).find(li => li.querySelector(".review-head strong").textContent === `+jsString(name)+`) || {}).id || ""`)
	if id == "" {
		t.Fatalf("review by %s not in the moderation queue", name)
	}
	e.do(t,
		activate("#"+id+` form[action$="/approuver"] button`),
		chromedp.WaitVisible(chromedp.CSS("#"+id+".review-approved")),
	)
}

// storyReview: a visitor posts a review, an employee approves it, it is
// on the home page with its date and the average moves; a script in a
// review runs nowhere.
func storyReview(t *testing.T, s *site) {
	v := newBrowser(t, 390, 844)
	v.do(t, chromedp.Navigate(s.URL+"/"))
	if avg := v.text(t, ".review-average"); avg != "2,0 / 5" {
		t.Fatalf("home average before: %q", avg)
	}
	// From the first star (5), one arrow to the right chooses 4.
	postReview(t, s, v, "Camille D.", "Accueil chaleureux, devis respecté et voiture prête à l'heure.", 1, "4")

	e := newBrowser(t, 1280, 900)
	e.login(t, s, employeeEmail, employeePassword)
	approveReview(t, s, e, "Camille D.")

	v.do(t, chromedp.Navigate(s.URL+"/"))
	if avg := v.text(t, ".review-average"); avg != "3,0 / 5" {
		t.Errorf("home average after: %q, want 3,0 / 5", avg)
	}
	if sum := v.text(t, ".review-summary"); !strings.Contains(sum, "(2 avis)") {
		t.Errorf("home summary %q", sum)
	}
	list := v.text(t, ".review-list")
	if !strings.Contains(list, "Camille D.") || !strings.Contains(list, "Accueil chaleureux") {
		t.Fatalf("home reviews lack the new one: %q", list)
	}
	if want := "Publié le " + frenchDate(time.Now().In(paris(t))); !strings.Contains(list, want) {
		t.Errorf("home reviews lack %q: %q", want, list)
	}

	// A hostile review, posted and approved, executes nothing.
	const xss = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`
	postReview(t, s, v, "Mallory", xss, 2, "3")
	approveReview(t, s, e, "Mallory")
	if got := eval[string](t, e, `typeof window.__xss`); got != "undefined" {
		t.Errorf("the review ran in the back office: window.__xss is %s", got)
	}
	for _, path := range []string{"/", "/avis"} {
		v.do(t, chromedp.Navigate(s.URL+path), chromedp.WaitVisible(chromedp.CSS(".review-list")))
		if got := eval[string](t, v, `typeof window.__xss`); got != "undefined" {
			t.Errorf("%s: the review ran: window.__xss is %s", path, got)
		}
		if n := eval[int](t, v, `document.querySelectorAll(".review-list script, .review-list img").length`); n != 0 {
			t.Errorf("%s: the review's markup became %d elements", path, n)
		}
		if list := v.text(t, ".review-list"); !strings.Contains(list, "<script>window.__xss=1</script>") {
			t.Errorf("%s: the review is not shown as text: %q", path, list)
		}
	}
}

// storyHours: the admin changes Saturday and adds a closure; the footer of
// every public page follows.
func storyHours(t *testing.T, s *site) {
	a := newBrowser(t, 1280, 900)
	a.login(t, s, adminEmail, adminPassword)
	a.do(t, chromedp.Navigate(s.URL+"/admin/horaires"), chromedp.WaitVisible(chromedp.ID("d5_o1")))
	if day := a.text(t, "fieldset.hours-day:nth-of-type(6) legend"); !strings.EqualFold(day, "samedi") {
		t.Fatalf("sixth day is %q", day)
	}
	a.do(t,
		chromedp.SetValue(chromedp.ID("d5_o1"), "09:00"),
		chromedp.SetValue(chromedp.ID("d5_c1"), "12:30"),
		activate(`form[action="/admin/horaires"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".admin-main .flash-success")),
	)
	closure := time.Now().In(paris(t)).AddDate(0, 0, 12)
	a.do(t,
		chromedp.SendKeys(chromedp.ID("label"), "Inventaire annuel"),
		chromedp.SetValue(chromedp.ID("first"), closure.Format("2006-01-02")),
		activate(`form[action="/admin/horaires/exceptions"] button[type="submit"]`),
		// The coming exceptions' table, with a delete button each, is new.
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/supprimer"][action^="/admin/horaires/exceptions/"]`)),
	)
	if table := a.text(t, ".admin-main .table"); !strings.Contains(table, "Inventaire annuel") {
		t.Fatalf("exception not listed: %q", table)
	}

	v := newBrowser(t, 390, 844)
	for _, path := range []string{"/", "/contact", "/occasions"} {
		v.do(t, chromedp.Navigate(s.URL+path))
		sat := eval[string](t, v, `(Array.from(document.querySelectorAll(".footer-hours .hours-table tr")).find(tr => tr.querySelector("th").textContent.trim() === "samedi") || {textContent: ""}).textContent`)
		if !strings.Contains(sat, "9\u00a0h\u00a000 – 12\u00a0h\u00a030") {
			t.Errorf("%s: footer Saturday %q", path, sat)
		}
		ex := v.text(t, ".footer-hours")
		if !strings.Contains(ex, "Inventaire annuel") || !strings.Contains(ex, frenchDate(closure)) || !strings.Contains(ex, "fermé") {
			t.Errorf("%s: footer lacks the closure of %s: %q", path, frenchDate(closure), ex)
		}
	}
}

// storyAddCar: an employee adds a car with three photos and publishes it;
// a visitor finds it with the filters and browses its gallery with the
// keyboard.
func storyAddCar(t *testing.T, s *site) {
	e := newBrowser(t, 1280, 900)
	e.login(t, s, employeeEmail, employeePassword)
	e.do(t,
		chromedp.Navigate(s.URL+"/admin/voitures/nouvelle"),
		chromedp.SendKeys(chromedp.ID("make"), "Skoda"),
		chromedp.SendKeys(chromedp.ID("model"), "Fabia"),
		chromedp.SendKeys(chromedp.ID("version"), "1.0 TSI 95 Style"),
		chromedp.SendKeys(chromedp.ID("price"), "14250"),
		chromedp.SendKeys(chromedp.ID("reg_month"), "5"),
		chromedp.SendKeys(chromedp.ID("reg_year"), strconv.Itoa(time.Now().Year()-2)),
		chromedp.SendKeys(chromedp.ID("mileage"), "31000"),
		chromedp.SetValue(chromedp.ID("crit_air"), "1"),
		chromedp.SetValue(chromedp.ID("fuel"), "essence"),
		chromedp.SetValue(chromedp.ID("gearbox"), "manuelle"),
		activate(`.car-form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.ID("photos")),
	)
	e.do(t,
		chromedp.SetUploadFiles(chromedp.ID("photos"), writeJPEGs(t, 3)),
		activate(`.photo-upload button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".photo-list li:nth-child(3)")),
	)
	e.do(t,
		activate(`.status-buttons form:has(input[name="to"][value="published"]) button`),
		chromedp.WaitVisible(chromedp.CSS(`.admin-main a[href^="/occasions/"]`)),
	)
	if status := e.text(t, ".admin-main"); !strings.Contains(status, "En vente") {
		t.Fatalf("car not published: %.400q", status)
	}

	v := newBrowser(t, 1280, 900)
	v.do(t, chromedp.Navigate(s.URL+"/occasions"), chromedp.WaitVisible(chromedp.ID("marque")))
	v.do(t, chromedp.Evaluate[chromedp.Void](`window.__marker = 7`))
	// Choose the make with the keyboard in the closed select.
	v.do(t, chromedp.Focus(chromedp.ID("marque")), chromedp.KeyEvent("Skoda"))
	v.waitJS(t, countIs("1 véhicule"))
	if m := eval[int](t, v, `window.__marker || 0`); m != 7 {
		t.Fatal("choosing a make reloaded the page")
	}
	if u := v.location(t); !strings.Contains(u, "marque=Skoda") {
		t.Errorf("URL %q", u)
	}
	v.do(t,
		activate(`#resultats .car-card-title a`),
		chromedp.WaitVisible(chromedp.CSS(".car-page .gallery")),
	)
	if h := v.text(t, ".car-title"); h != "Skoda Fabia 1.0 TSI 95 Style" {
		t.Errorf("car page title %q", h)
	}
	if n := eval[int](t, v, `document.querySelectorAll(".gallery-thumbs img").length`); n != 3 {
		t.Fatalf("gallery shows %d photos, want 3", n)
	}
	v.waitText(t, "[data-gallery-counter]", "1 / 3")
	first := get(t, v, chromedp.AttributeValue(chromedp.CSS("[data-gallery-image]"), "src")).Value
	v.do(t, chromedp.Focus(chromedp.CSS("[data-gallery]")), chromedp.KeyEvent(kb.ArrowRight))
	v.waitText(t, "[data-gallery-counter]", "2 / 3")
	if src := get(t, v, chromedp.AttributeValue(chromedp.CSS("[data-gallery-image]"), "src")).Value; src == first {
		t.Error("ArrowRight did not change the photo")
	}
	v.do(t, chromedp.KeyEvent(kb.ArrowLeft+kb.ArrowLeft))
	v.waitText(t, "[data-gallery-counter]", "3 / 3")
}

var invitationPath = regexp.MustCompile(`/invitation/[A-Za-z0-9_\-]+`)

// storyInvite: the admin invites an employee, who sets a password from the
// e-mailed link and logs in; disabled by the admin, their open session
// ends.
func storyInvite(t *testing.T, s *site, smtp *mailtest.Server) {
	const email, pw = "lea.dubois@garage-parrot.test", "Courroie-Verte-2026"
	a := newBrowser(t, 1280, 900)
	a.login(t, s, adminEmail, adminPassword)
	a.do(t,
		chromedp.Navigate(s.URL+"/admin/comptes"),
		chromedp.SendKeys(chromedp.ID("first_name"), "Léa"),
		chromedp.SendKeys(chromedp.ID("last_name"), "Dubois"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SetValue(chromedp.ID("role"), string(garage.RoleEmployee)),
		activate(`form[action="/admin/comptes"] button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".admin-main .flash-success")),
	)
	if table := a.text(t, ".admin-main table"); !strings.Contains(table, email) || !strings.Contains(table, "Invitation en attente") {
		t.Fatalf("staff table: %q", table)
	}

	// The mail worker polls the outbox every 10 s.
	var link string
	deadline := time.Now().Add(25 * time.Second)
	for link == "" && time.Now().Before(deadline) {
		for _, m := range smtp.Messages() {
			if len(m.To) == 1 && m.To[0] == email {
				link = invitationPath.FindString(m.Part("text/plain"))
				if link == "" {
					t.Fatalf("invitation without a link: %q", m.Part("text/plain"))
				}
				if got, want := m.Subject(), "Votre accès à l'espace du personnel — Garage V. Parrot"; got != want {
					t.Errorf("invitation subject %q, want %q", got, want)
				}
			}
		}
		if link == "" {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if link == "" {
		t.Fatalf("no invitation e-mail to %s within 25 s (received %d mails)", email, len(smtp.Messages()))
	}

	l := newBrowser(t, 1280, 900)
	l.do(t,
		chromedp.Navigate(s.URL+link),
		chromedp.SendKeys(chromedp.ID("password"), pw),
		chromedp.SendKeys(chromedp.ID("confirmation"), pw),
		activate(`form button[type="submit"]`),
		chromedp.WaitVisible(chromedp.CSS(".admin-main h1")),
	)
	l.logout(t)
	l.login(t, s, email, pw)
	if h := l.text(t, ".admin-main h1"); !strings.Contains(h, "Léa") {
		t.Errorf("after login: %q", h)
	}

	a.do(t, chromedp.Navigate(s.URL+"/admin/comptes"))
	row := eval[string](t, a, `(Array.from(document.querySelectorAll(".admin-main tbody tr")).find(tr => tr.textContent.includes(`+jsString(email)+`)) || {}).id || ""`)
	if row == "" {
		t.Fatal("invited account not in the staff table")
	}
	a.do(t,
		activate("#"+row+` form[action$="/desactiver"] button`),
		chromedp.WaitVisible(chromedp.CSS("#"+row+` form[action$="/reactiver"]`)),
	)

	// Léa's next page load: the login page.
	l.do(t, chromedp.Navigate(s.URL+"/admin/messages"), chromedp.WaitVisible(chromedp.ID("email")))
	if u := l.location(t); !strings.Contains(u, "/connexion") {
		t.Fatalf("disabled employee still in: %s", u)
	}
}

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// frenchDate is "27 novembre 2026" ("1er" for the first of a month).
func frenchDate(d time.Time) string {
	day := strconv.Itoa(d.Day())
	if d.Day() == 1 {
		day = "1er"
	}
	return day + " " + frenchMonths[d.Month()-1] + " " + strconv.Itoa(d.Year())
}

func paris(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// storyGarageMail: the message sent from the car page (ContactFromCarPage)
// reached the garage's mailbox through the outbox and the test SMTP
// server, with the visitor as Reply-To. By now the worker has run (the
// invitation came through).
func storyGarageMail(t *testing.T, smtp *mailtest.Server) {
	deadline := time.Now().Add(25 * time.Second)
	for {
		for _, m := range smtp.Messages() {
			if len(m.To) == 1 && m.To[0] == "contact@garage-parrot.test" {
				if got := m.Header().Get("Reply-To"); !strings.Contains(got, "amelie.lefevre@example.test") {
					t.Errorf("Reply-To %q", got)
				}
				if sub := m.Subject(); !strings.Contains(sub, "Lefèvre") || !strings.Contains(sub, "Renault Clio V 1.0 TCe 90 Zen") {
					t.Errorf("subject %q", sub)
				}
				if body := m.Part("text/plain"); !strings.Contains(body, "la Clio est-elle toujours disponible") {
					t.Errorf("body %q", body)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail to the garage within 25 s (%d mails received)", len(smtp.Messages()))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
