package views

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// TestEmailsSayTheSameInTextAndHTML: each e-mail's two bodies carry the
// same facts and links, the HTML one escaping what visitors typed.
func TestEmailsSayTheSameInTextAndHTML(t *testing.T) {
	ctx := context.Background()
	car := int64(12)
	at := time.Date(2026, 3, 4, 8, 5, 0, 0, time.UTC)
	for _, tc := range []struct {
		name         string
		mail         Email
		to, subject  string
		both         []string // in the text and, escaped, in the HTML
		htmlOnly     []string
		textNotEqual string // must not appear in the HTML as typed
	}{
		{
			name: "contact",
			mail: ContactNotification{Garage: &garage.Details{Name: "Garage V. Parrot", Email: "atelier@garage.test"},
				Message: &garage.Message{ID: 7, FirstName: "Hélène", LastName: "Dupré", Email: "h@exemple.fr", Phone: "06 12 34 56 78",
					Subject: "Révision", Body: "<b>Tom & Jerry</b>", CarID: &car, CreatedAt: at}, SiteURL: "https://garage.test"},
			to: "atelier@garage.test", subject: "Nouveau message de Hélène Dupré : Révision",
			both:     []string{"4 mars 2026 à 9\u00a0h\u00a005", "06 12 34 56 78", "https://garage.test/admin/messages/7", "https://garage.test/occasions/12"},
			htmlOnly: []string{"&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;", `href="mailto:h@exemple.fr"`}, textNotEqual: "<b>Tom & Jerry</b>",
		},
		{
			name: "invitation",
			mail: AccountLinkMail{User: &garage.User{FirstName: "Léa", LastName: "Martin", Email: "lea@garage.test"}, Purpose: garage.TokenInvite,
				Garage: "Garage V. Parrot", Link: "https://garage.test/invitation/abc", Expires: at.Add(72 * time.Hour)},
			to: "lea@garage.test", subject: "Votre accès à l'espace du personnel — Garage V. Parrot",
			both: []string{"Bonjour Léa", "https://garage.test/invitation/abc", "7 mars 2026 à 9\u00a0h\u00a005", "Un compte a été créé pour vous"},
		},
		{
			name: "reset",
			mail: AccountLinkMail{User: &garage.User{FirstName: "Léa", Email: "lea@garage.test"}, Purpose: garage.TokenReset,
				Garage: "Garage V. Parrot", Link: "https://garage.test/reinitialiser/abc", Expires: at.Add(time.Hour)},
			to: "lea@garage.test", subject: "Réinitialisation de votre mot de passe — Garage V. Parrot",
			both: []string{"https://garage.test/reinitialiser/abc", "votre mot de passe actuel reste valable"},
		},
		{
			name: "review refused",
			mail: ReviewRefusal{Review: &garage.Testimonial{Name: "Paul", Email: "paul@exemple.fr"},
				Moderation: garage.Moderation{Status: garage.TestimonialRejected, RejectGround: "publicite", RejectReason: "Lien vers <un site>"},
				Garage:     "Garage V. Parrot", RulesURL: "https://garage.test/avis/moderation"},
			to: "paul@exemple.fr", subject: "Votre avis sur le Garage V. Parrot",
			both:     []string{"Bonjour Paul", "Publicité, liens ou contenu promotionnel.", "https://garage.test/avis/moderation"},
			htmlOnly: []string{"Lien vers &lt;un site&gt;"}, textNotEqual: "Lien vers <un site>",
		},
		{
			name: "alert confirmation",
			mail: AlertConfirmMail{Alert: &garage.SearchAlert{Email: "a@exemple.fr", Query: "marque=Peugeot&prix_max=15000"},
				Garage: "Garage V. Parrot", Link: "https://garage.test/alertes/abc/confirmer"},
			to: "a@exemple.fr", subject: "Confirmez votre alerte véhicules — Garage V. Parrot",
			both: []string{"Peugeot · prix jusqu'à 15\u202f000\u202f€", "https://garage.test/alertes/abc/confirmer"},
		},
		{
			name: "alert digest",
			mail: AlertDigestMail{Alert: &garage.SearchAlert{Email: "a@exemple.fr", Query: "marque=Peugeot"}, Garage: "Garage V. Parrot",
				Cars: []AlertDigestCar{{Car: &garage.Car{ID: 3, Make: "Peugeot", Model: "208", Price: 12490, RegYear: 2021, Mileage: 45000},
					URL: "https://garage.test/occasions/3-peugeot-208", OldPrice: 12990}},
				SearchURL: "https://garage.test/occasions?marque=Peugeot", ManageURL: "https://garage.test/alertes/xyz",
				Unsubscribe: "https://garage.test/alertes/xyz/desabonner"},
			to: "a@exemple.fr", subject: "Du nouveau pour votre recherche — Garage V. Parrot",
			both: []string{"Peugeot 208", "baisse de prix", "https://garage.test/occasions/3-peugeot-208",
				"https://garage.test/alertes/xyz/desabonner", "https://garage.test/alertes/xyz"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := RenderMail(ctx, tc.mail)
			if err != nil {
				t.Fatal(err)
			}
			if m.To != tc.to || m.Subject != tc.subject || m.Kind == "" {
				t.Errorf("envelope %+v", m)
			}
			for _, want := range tc.both {
				if !strings.Contains(m.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, m.Text)
				}
				if !strings.Contains(m.HTML, strings.ReplaceAll(want, "'", "&#39;")) {
					t.Errorf("HTML lacks %q:\n%s", want, m.HTML)
				}
			}
			for _, want := range tc.htmlOnly {
				if !strings.Contains(m.HTML, want) {
					t.Errorf("HTML lacks %q:\n%s", want, m.HTML)
				}
			}
			if tc.textNotEqual != "" && (!strings.Contains(m.Text, tc.textNotEqual) || strings.Contains(m.HTML, tc.textNotEqual)) {
				t.Errorf("visitor's text %q: as typed in the text part, escaped in the HTML", tc.textNotEqual)
			}
		})
	}
}
