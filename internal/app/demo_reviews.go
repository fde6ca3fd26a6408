package app

import (
	"context"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
)

// demoReview is one review of the demo: published daysAgo days ago when
// approved, or waiting for moderation.
type demoReview struct {
	name, comment string
	rating        int
	daysAgo       int
	approved      bool
}

func demoReviews() []demoReview {
	return []demoReview{
		{"Sophie M.", "Vidange et plaquettes avant faites dans la matinée, comme annoncé au téléphone. Le devis a été respecté au centime près et on m'a montré les anciennes pièces. Je reviendrai.", 5, 4, true},
		{"Karim B.", "J'ai acheté une Clio d'occasion chez eux : voiture propre, carnet d'entretien complet, contrôle technique récent. Vincent a pris le temps de tout m'expliquer, sans pression.", 5, 11, true},
		{"Jean-Pierre L.", "Embrayage changé sur mon Berlingo. Prix correct et travail sérieux, seulement un jour de retard sur le délai prévu, mais j'ai été prévenu par téléphone.", 4, 19, true},
		{"Camille D.", "Bruit bizarre au freinage, diagnostic fait gratuitement en dix minutes. Rien de grave finalement, ils auraient pu me facturer des pièces inutiles et ne l'ont pas fait. Merci !", 5, 27, true},
		{"Thomas R.", "Carrosserie refaite après un accrochage sur le parking : on ne voit plus rien, la teinte est parfaite. Prise en charge de l'assurance gérée par le garage, très pratique.", 5, 38, true},
		{"Nathalie G.", "Accueil sympathique et atelier bien tenu. Un peu d'attente le samedi matin sans rendez-vous, pensez à appeler avant.", 4, 52, true},
		{"Michel F.", "Révision des 60 000 km sur ma 3008 hybride : ils connaissent bien ces moteurs. Le carnet constructeur a été tamponné, la garantie reste valable.", 5, 66, true},
		{"Aurélie P.", "Recharge de la climatisation avant les vacances, rapide et pas chère. Le café offert pendant l'attente est un plus !", 4, 81, true},
		{"Laurent V.", "Pneus montés et parallélisme réglé le jour même. Tarif honnête par rapport aux centres auto du coin.", 5, 97, true},
		{"Julie T.", "Très contente de ma Fiat 500 achetée ici le mois dernier. Reprise de mon ancienne voiture estimée correctement et papiers faits sur place.", 5, 1, false},
		{"Olivier N.", "Distribution changée sur ma Mégane. Travail propre, mais la facture finale était un peu au-dessus du devis (liquide de refroidissement en plus).", 3, 2, false},
		{"Sandrine C.", "Garage recommandé par mon voisin et je comprends pourquoi : franchise et bon travail. Ma Twingo n'a jamais aussi bien roulé.", 5, 3, false},
	}
}

// seedDemoReviews fills an empty demo with reviews: most approved and
// published over the last months, a few waiting for moderation. It does
// nothing when there is already a review.
func seedDemoReviews(ctx context.Context, s *store.Store, now time.Time) error {
	existing, err := s.ListTestimonialsForModeration(ctx, 1, 0)
	if err != nil || len(existing) > 0 {
		return err
	}
	// The oldest first, so the newest review has the highest number.
	list := demoReviews()
	for i := len(list) - 1; i >= 0; i-- {
		d := list[i]
		at := now.Add(-time.Duration(d.daysAgo)*24*time.Hour - time.Duration(i)*time.Hour)
		t := &garage.Testimonial{Name: d.name, Comment: d.comment, Rating: d.rating,
			ExperienceDate: at.AddDate(0, 0, -3).Format("2006-01-02"), Status: garage.TestimonialPending}
		if d.approved {
			t.Status = garage.TestimonialApproved
		}
		if err := s.CreateTestimonial(ctx, t, at, garage.Actor{}); err != nil {
			return err
		}
	}
	return nil
}
