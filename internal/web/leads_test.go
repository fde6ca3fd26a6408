package web

import (
	"bytes"
	"context"
	"image/color"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/store/storetest"
	"github.com/vparrot/garage/internal/web/views"
)

func validLead() url.Values {
	return url.Values{"nom": {"Durand"}, "prenom": {"Paul"}, "email": {"paul.durand@exemple.fr"}, "telephone": {"06 11 22 33 44"}}
}

// sendLead fills a typed request like a person: render the form, wait a few seconds, post.
func (e *env) sendLead(c *http.Client, carID int64, kind garage.LeadKind, form url.Values) *response {
	e.t.Helper()
	path := views.LeadRequestPath(carID, kind)
	page := e.get(c, path)
	if page.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: %d", path, page.StatusCode)
	}
	base := formFields(e.t, page.body, path)
	for k, v := range form {
		base[k] = v
	}
	e.clock.Advance(8 * time.Second)
	return e.postForm(c, path, base)
}

func TestLeadTestDriveFromACarPage(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			now := e.clock.Now() // Wednesday 4 March 2026, 10:00 in Paris
			clio := e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, now)
			c := e.client()
			page := e.get(c, views.CarPath(clio))
			for _, kind := range []garage.LeadKind{garage.LeadTestDrive, garage.LeadTradeIn, garage.LeadFinancing} {
				if !strings.Contains(page.body, `href="`+views.LeadRequestPath(clio.ID, kind)+`"`) {
					t.Errorf("car page lacks the %s link", kind)
				}
			}
			// Closed at lunchtime, on Sunday, in the past: 422 in French, nothing kept.
			for _, bad := range []struct{ day, clock, want string }{
				{"2026-03-05", "12:30", "Le garage est fermé à ce moment-là"},
				{"2026-03-08", "10:00", "Le garage est fermé à ce moment-là"},
				{"2026-03-03", "10:00", "Choisissez un jour et une heure à venir."},
				{"2026-06-30", "10:00", "Choisissez un jour dans les 60 prochains jours."},
				{"2026-02-30", "10:00", "n&#39;est pas une date valide"},
				{"2026-03-05", "25:00", "L&#39;heure n&#39;est pas valide"},
			} {
				form := validLead()
				form.Set("jour", bad.day)
				form.Set("heure", bad.clock)
				res := e.sendLead(c, clio.ID, garage.LeadTestDrive, form)
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, bad.want) ||
					!strings.Contains(res.body, `value="Durand"`) {
					t.Errorf("%s %s: %d, want 422 with %q", bad.day, bad.clock, res.StatusCode, bad.want)
				}
			}
			if n := len(e.messages(t)); n != 0 {
				t.Fatalf("%d leads kept from refused forms", n)
			}
			form := validLead()
			form.Set("jour", "2026-03-05")
			form.Set("heure", "15:00")
			form.Set("message", "Je passerai avec mon épouse.")
			res := e.sendLead(c, clio.ID, garage.LeadTestDrive, form)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != views.LeadThanksPath(clio.ID) {
				t.Fatalf("POST: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
			}
			if thanks := e.get(c, views.LeadThanksPath(clio.ID)); thanks.StatusCode != http.StatusOK || !strings.Contains(thanks.body, "Demande envoyée") {
				t.Fatalf("thanks: %d", thanks.StatusCode)
			}
			msgs := e.messages(t)
			if len(msgs) != 1 {
				t.Fatalf("%d leads", len(msgs))
			}
			m := msgs[0]
			want := time.Date(2026, 3, 5, 15, 0, 0, 0, hours.Paris())
			if m.Kind != garage.LeadTestDrive || m.CarID == nil || *m.CarID != clio.ID || m.Details.PreferredAt == nil ||
				!m.Details.PreferredAt.Equal(want) || m.Body != "Je passerai avec mon épouse." || m.DueAt == nil ||
				!strings.HasPrefix(m.Subject, "Demande d'essai — Renault Clio") {
				t.Fatalf("stored %+v", m)
			}
			// Wednesday 10:00 (and the seconds the forms took) + 4 opening hours (8:45–12:00, 14:00–18:00) = 16:00.
			if due := m.CreatedAt.Add(6 * time.Hour); !m.DueAt.Equal(due) {
				t.Errorf("due %v, want %v", m.DueAt, due)
			}
			got := e.deliver(t)
			if len(got) != 2 {
				t.Fatalf("%d mails", len(got))
			}
			var notice, ack bool
			for _, r := range got {
				switch strings.Join(r.To, ",") {
				case "contact@garage-parrot.test":
					notice = strings.Contains(r.Subject(), "Nouvelle demande (Essai)") &&
						strings.Contains(r.Part("text/plain"), "jeudi 5 mars 2026 à 15\u00a0h\u00a000")
				case "paul.durand@exemple.fr":
					ack = strings.Contains(r.Subject(), "a bien été reçue") && strings.Contains(r.Part("text/plain"), "Renault Clio")
				}
			}
			if !notice || !ack {
				t.Errorf("notice %v, acknowledgement %v", notice, ack)
			}
			// A car that is not for sale takes no request.
			sold := e.addCar(car("Peugeot", "208", "Allure", 12000, 2020, 40000, "essence", "manuelle"), garage.CarSold, now)
			if res := e.get(c, views.LeadRequestPath(sold.ID, garage.LeadTestDrive)); res.StatusCode != http.StatusNotFound {
				t.Errorf("sold car: %d", res.StatusCode)
			}
			if res := e.get(c, "/occasions/abc/essai"); res.StatusCode != http.StatusNotFound {
				t.Errorf("bad id: %d", res.StatusCode)
			}
		})
	}
}

func TestLeadTradeInWithPhotos(t *testing.T) {
	e := newEnv(t, "sqlite")
	clio := e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, e.clock.Now())
	c := e.client()
	path := views.LeadRequestPath(clio.ID, garage.LeadTradeIn)
	post := func(fields url.Values, photos int) *response {
		t.Helper()
		page := e.get(c, path)
		if !strings.Contains(page.body, `enctype="multipart/form-data"`) || !strings.Contains(page.body, `name="photos"`) {
			t.Fatalf("trade-in form:\n%s", page.body)
		}
		base := formFields(t, page.body, path)
		for k, v := range fields {
			base[k] = v
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, vs := range base {
			for _, v := range vs {
				_ = mw.WriteField(k, v)
			}
		}
		for range photos {
			w, _ := mw.CreateFormFile("photos", "voiture.jpg")
			_, _ = w.Write(testJPEG(t, 64, 48, color.RGBA{200, 30, 30, 255}))
		}
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.server.URL+path, &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", e.server.URL)
		e.clock.Advance(8 * time.Second)
		return e.do(c, req)
	}
	form := validLead()
	for k, v := range map[string]string{"immatriculation": "ab123cd", "marque": "Peugeot", "modele": "308", "annee": "2016",
		"kilometrage": "98 000", "etat": "bon"} {
		form.Set(k, v)
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("immatriculation", "XYZ")
	bad.Set("annee", "1890")
	bad.Set("etat", "neuf")
	if res := post(bad, 1); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "L&#39;immatriculation n&#39;est pas valide") ||
		!strings.Contains(res.body, "L&#39;année doit être un nombre entier entre 1950") || !strings.Contains(res.body, "Choisissez une valeur dans la liste.") {
		t.Fatalf("bad trade-in: %d\n%s", res.StatusCode, res.body)
	}
	if res := post(form, garage.LeadMaxPhotos+1); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Envoyez au plus 5 photos.") {
		t.Fatalf("6 photos: %d", res.StatusCode)
	}
	if n := len(e.messages(t)); n != 0 {
		t.Fatalf("%d leads kept from refused forms", n)
	}
	res := post(form, 2)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("trade-in: %d\n%s", res.StatusCode, res.body)
	}
	msgs := e.messages(t)
	if len(msgs) != 1 {
		t.Fatalf("%d leads", len(msgs))
	}
	d := msgs[0].Details
	if msgs[0].Kind != garage.LeadTradeIn || d.Plate != "AB-123-CD" || d.Make != "Peugeot" || d.Year != 2016 || d.Mileage != 98000 ||
		d.Condition != "bon" || len(d.Photos) != 2 || !strings.HasPrefix(d.Photos[0].Key, "leads/") {
		t.Fatalf("stored %+v", d)
	}
	// The staff see the photos on the lead's page, and they are served.
	admin := e.loggedIn(adminEmail, adminPassword)
	page := e.get(admin, views.AdminMessagePath(msgs[0].ID))
	thumb := views.PhotoURLAt(e.app.cfg.Photos.PublicBaseURL, d.Photos[0].Key, "thumb")
	if !strings.Contains(page.body, thumb) || !strings.Contains(page.body, "AB-123-CD") || !strings.Contains(page.body, "Bon état") {
		t.Fatalf("lead page:\n%s", page.body)
	}
	if res := e.get(e.client(), thumb); res.StatusCode != http.StatusOK {
		t.Errorf("photo %s: %d", thumb, res.StatusCode)
	}
}

func TestLeadFinancingShowsTheCreditWarning(t *testing.T) {
	e := newEnv(t, "sqlite")
	clio := e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, e.clock.Now())
	c := e.client()
	page := e.get(c, views.LeadRequestPath(clio.ID, garage.LeadFinancing))
	if !strings.Contains(page.body, "Un crédit vous engage et doit être remboursé. Vérifiez vos capacités de remboursement avant de vous engager.") {
		t.Fatal("the financing page lacks the legal warning")
	}
	form := validLead()
	form.Set("apport", "3 000")
	form.Set("duree", "37")
	if res := e.sendLead(c, clio.ID, garage.LeadFinancing, form); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "Un crédit vous engage") {
		t.Fatalf("bad duration: %d", res.StatusCode)
	}
	form.Set("duree", "48")
	if res := e.sendLead(c, clio.ID, garage.LeadFinancing, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("financing: %d\n%s", res.StatusCode, res.body)
	}
	m := e.messages(t)[0]
	if m.Kind != garage.LeadFinancing || m.Details.Contribution != 3000 || m.Details.Months != 48 {
		t.Fatalf("stored %+v", m.Details)
	}
	for _, mail := range e.outbox(t) {
		if mail.To == "paul.durand@exemple.fr" && !strings.Contains(mail.Text, garage.CreditWarning) {
			t.Errorf("the acknowledgement lacks the credit warning:\n%s", mail.Text)
		}
	}
}

func TestLeadDeskAssignReplyTargetAndMedian(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			ctx := context.Background()
			now := e.clock.Now() // Wednesday 10:00: due at 16:00
			clio := e.addCar(car("Renault", "Clio", "V TCe 90 Zen", 15490, 2022, 21000, "essence", "manuelle"), garage.CarPublished, now)
			early := &garage.Message{LastName: "Martin", FirstName: "Jeanne", Email: "jeanne@exemple.fr", Subject: "Essai Clio",
				Kind: garage.LeadTestDrive, CarID: &clio.ID}
			addMessage(t, e, early)
			e.clock.Advance(5 * time.Hour) // 15:00
			addMessage(t, e, &garage.Message{LastName: "Petit", FirstName: "Luc", Subject: "Question", Body: "Bonjour"})
			e.clock.Advance(2 * time.Hour) // 17:00: the first one is late, the second one is due tomorrow
			emp := e.loggedIn(employeeEmail, employeePass)
			admin := e.loggedIn(adminEmail, adminPassword)

			desk := e.get(emp, "/admin/messages")
			if !strings.Contains(desk.body, `class="nav-badge">1`) || !strings.Contains(desk.body, "1 demande en retard") {
				t.Fatalf("late badge:\n%s", desk.body)
			}
			iEarly, iFresh := strings.Index(desk.body, "Essai Clio"), strings.Index(desk.body, "Question")
			if iEarly < 0 || iFresh < 0 || iEarly > iFresh || !strings.Contains(desk.body, "En retard") {
				t.Fatal("the late lead is not first")
			}
			if res := e.get(emp, "/admin/messages?type=essai"); strings.Contains(res.body, ">Question<") || !strings.Contains(res.body, "Essai Clio") {
				t.Error("kind filter")
			}
			if res := e.get(emp, "/admin/messages?type=autre"); res.StatusCode != http.StatusBadRequest {
				t.Errorf("unknown kind: %d", res.StatusCode)
			}

			// Opening a lead: no longer new.
			path := views.AdminMessagePath(early.ID)
			e.get(emp, path)
			if got, _ := e.store.MessageByID(ctx, early.ID); got.Status != garage.MessageInProgress || got.ReadAt == nil {
				t.Fatalf("opened lead: %s", got.Status)
			}

			// Assigning to the employee, by the admin.
			lea, _ := e.store.UserByEmail(ctx, employeeEmail)
			res := e.postForm(admin, path+"/attribuer", url.Values{"responsable": {itoa(int(lea.ID))}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("assign: %d", res.StatusCode)
			}
			if mine := e.get(emp, "/admin/messages?responsable=moi"); !strings.Contains(mine.body, "Essai Clio") || strings.Contains(mine.body, ">Question<") {
				t.Error("my leads")
			}
			if res := e.postForm(admin, path+"/attribuer", url.Values{"responsable": {"999999"}}); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "Ce compte n&#39;existe pas") {
				t.Errorf("assign to nobody known: %d", res.StatusCode)
			}
			if res := e.postForm(admin, path+"/attribuer", url.Values{"responsable": {"x"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("assign garbage: %d", res.StatusCode)
			}

			// Replying, by the employee: an e-mail to the visitor, the history, the first answer.
			if res := e.postForm(emp, path+"/repondre", url.Values{"reponse": {" "}}); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "La réponse est obligatoire.") {
				t.Fatalf("empty reply: %d", res.StatusCode)
			}
			reply := "Bonjour Jeanne,\nc'est noté pour jeudi 15 h. À bientôt !"
			if res := e.postForm(emp, path+"/repondre", url.Values{"reponse": {reply}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("reply: %d\n%s", res.StatusCode, res.body)
			}
			page := e.get(emp, path)
			if !strings.Contains(page.body, "Réponse envoyée à jeanne@exemple.fr.") || !strings.Contains(page.body, "c&#39;est noté pour jeudi 15 h.") ||
				!strings.Contains(page.body, "Répondu") || !strings.Contains(page.body, "Prénom Nom") {
				t.Fatalf("lead page after the reply:\n%s", page.body)
			}
			got, _ := e.store.MessageByID(ctx, early.ID)
			if got.FirstAnswerAt == nil || !got.FirstAnswerAt.Equal(e.clock.Now()) || got.Late(e.clock.Now()) {
				t.Fatalf("first answer %v", got.FirstAnswerAt)
			}
			mails := e.deliver(t)
			if len(mails) != 1 || strings.Join(mails[0].To, ",") != "jeanne@exemple.fr" || mails[0].Subject() != "Re : Essai Clio" ||
				!strings.Contains(mails[0].Part("text/plain"), "c'est noté pour jeudi 15 h.") ||
				mails[0].Header().Get("Reply-To") != "<contact@garage-parrot.test>" {
				t.Fatalf("reply mail: %+v", mails)
			}
			if desk := e.get(emp, "/admin/messages"); strings.Contains(desk.body, `class="nav-badge">`) {
				t.Error("the badge still counts the answered lead")
			}
			actions := strings.Join(e.auditActions(t), " ")
			for _, a := range []string{"message.assign", "message.reply"} {
				if !strings.Contains(actions, a) {
					t.Errorf("audit lacks %s: %s", a, actions)
				}
			}

			// The dashboard's median time to first answer: 7 hours, one lead.
			if dash := e.get(emp, "/admin"); !strings.Contains(dash.body, "7\u00a0h") || !strings.Contains(dash.body, "délai médian de première réponse (1 demande") {
				t.Errorf("dashboard:\n%s", dash.body)
			}

			// The response target: the administrator's.
			if res := e.postForm(emp, "/admin/messages/objectif", url.Values{"heures": {"2"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("employee sets the target: %d", res.StatusCode)
			}
			for _, bad := range []string{"0", "73", "deux", ""} {
				if res := e.postForm(admin, "/admin/messages/objectif", url.Values{"heures": {bad}}); res.StatusCode != http.StatusUnprocessableEntity ||
					!strings.Contains(res.body, "L&#39;objectif") {
					t.Errorf("target %q: %d", bad, res.StatusCode)
				}
			}
			if res := e.postForm(admin, "/admin/messages/objectif", url.Values{"heures": {"2"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("target: %d", res.StatusCode)
			}
			if n, _ := e.store.LeadResponseHours(ctx); n != 2 {
				t.Fatalf("target %d", n)
			}
		})
	}
}
