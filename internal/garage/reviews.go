package garage

import "time"

// TestimonialStatus is where a review stands in moderation. Only approved
// reviews are ever shown to visitors.
type TestimonialStatus string

// The testimonial statuses.
const (
	TestimonialPending  TestimonialStatus = "pending"
	TestimonialApproved TestimonialStatus = "approved"
	TestimonialRejected TestimonialStatus = "rejected"
)

// Valid reports whether s is a known status.
func (s TestimonialStatus) Valid() bool {
	return s == TestimonialPending || s == TestimonialApproved || s == TestimonialRejected
}

// Label is the status's French name.
func (s TestimonialStatus) Label() string {
	switch s {
	case TestimonialPending:
		return "En attente"
	case TestimonialApproved:
		return "Publié"
	case TestimonialRejected:
		return "Refusé"
	}
	return string(s)
}

// Where a testimonial comes from.
const (
	SourceVisitor = "visitor" // the public form
	SourceStaff   = "staff"   // received offline and entered by the staff
)

// Testimonial is a customer's review.
type Testimonial struct {
	ID             int64
	Name           string
	Comment        string
	Rating         int    // 1 to 5
	ExperienceDate string // YYYY-MM-DD or ""
	Email          string // never shown; to tell the author of a refusal
	Status         TestimonialStatus
	RejectGround   string // key of a published ground (ReviewGrounds)
	RejectReason   string // free text
	Source         string // SourceVisitor or SourceStaff
	CreatedBy      *int64
	ModeratedBy    *int64
	PublishedAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Moderation is a status change decided by a member of staff.
type Moderation struct {
	Status       TestimonialStatus
	RejectGround string
	RejectReason string
	By           int64
}

// The review law (Code de la consommation, D.111-16 to D.111-19) and the
// review form's limits.
const (
	// ReviewRetentionYears is how long an approved review stays online, as
	// the moderation page says.
	ReviewRetentionYears = 3
	// ReviewMaxName, ReviewMinComment and ReviewMaxComment bound the form's
	// fields, in characters; ReviewMaxRejectReason bounds a refusal's note.
	ReviewMaxName         = 80
	ReviewMinComment      = 10
	ReviewMaxComment      = 2000
	ReviewMaxRejectReason = 500
	// ReviewMaxExperienceYears is how far back an experience may be dated.
	ReviewMaxExperienceYears = 10
)

// ReviewsSince is the oldest publication still shown on day now: reviews
// stay online ReviewRetentionYears years.
func ReviewsSince(now time.Time) time.Time {
	return now.AddDate(-ReviewRetentionYears, 0, 0)
}

// Ground is a published reason to refuse a review.
type Ground struct{ Key, Label string }

// ReviewGrounds are the grounds for refusal, published on the moderation
// page: a review is refused for one of them and no other.
var ReviewGrounds = []Ground{
	{"hors-sujet", "L'avis ne porte pas sur une expérience avec le garage ou ses services."},
	{"propos-illicites", "Propos injurieux, diffamatoires, discriminatoires, menaçants ou contraires à la loi."},
	{"donnees-personnelles", "Données personnelles d'un tiers (nom, téléphone, adresse, plaque d'immatriculation…)."},
	{"publicite", "Publicité, liens ou contenu promotionnel."},
	{"conflit-interets", "Avis rédigé par une personne liée au garage ou à un concurrent."},
	{"doublon", "Doublon d'un avis déjà publié pour la même expérience."},
	{"incomprehensible", "Texte incompréhensible ou sans contenu."},
}

// GroundLabel returns the French text of a ground, "" for an unknown key.
func GroundLabel(key string) string {
	for _, g := range ReviewGrounds {
		if g.Key == key {
			return g.Label
		}
	}
	return ""
}
