package garage

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/hours"
)

// Actor is who makes a change and from where. Every store method that
// changes what the staff manage takes one, and writes the audit row of the
// change in the same transaction: a change is never kept without its
// record, nor recorded without being kept. The zero Actor is the system
// loading data (the demo, the load test, the tests' fixtures): nothing is
// audited then.
type Actor struct {
	UserID *int64 // nil for a visitor or a command
	Email  string // the user's, or the command's name ("garage create-admin")
	IP     string
}

// ActorOf is the actor for a staff member acting from ip.
func ActorOf(u *User, ip string) Actor {
	if u == nil {
		return Actor{IP: ip}
	}
	id := u.ID
	return Actor{UserID: &id, Email: u.Email, IP: ip}
}

// IsZero reports whether a is the system loading data.
func (a Actor) IsZero() bool { return a.UserID == nil && a.Email == "" && a.IP == "" }

// Target names the object of an audited action: "car:12", "user:3".
func Target(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

// AuditEntry is one row of the append-only audit log: who did what, when.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    *int64 // nil for anonymous or system actions
	ActorEmail string
	Action     string // e.g. "login.success", "login.failure", "user.create"
	Target     string // e.g. "user:12"
	Details    string // JSON: before/after or context
	IP         string
}

// AuditFilter narrows the audit log: by actor, by action prefix ("user."),
// and by time (From included, To excluded); zero values do not filter.
type AuditFilter struct {
	ActorID      int64
	ActionPrefix string
	From, To     time.Time
}

var actionLabels = map[string]string{
	"login.success":            "Connexion",
	"login.failure":            "Échec de connexion",
	"login.throttled":          "Connexion refusée (trop de tentatives)",
	"logout":                   "Déconnexion",
	"user.create":              "Création de compte",
	"review.create":            "Avis ajouté (reçu hors du site)",
	"review.approved":          "Avis publié",
	"review.rejected":          "Avis refusé",
	"review.pending":           "Avis remis en attente",
	"review.delete":            "Avis supprimé",
	"message.update":           "Message : statut ou note modifiés",
	"message.export":           "Messages exportés (CSV)",
	"message.assign":           "Demande attribuée",
	"message.reply":            "Réponse envoyée à une demande",
	"message.target":           "Objectif de réponse aux demandes modifié",
	"password.reset":           "Mot de passe réinitialisé",
	"password.reset_requested": "Lien de réinitialisation demandé",
	"password.invite":          "Mot de passe choisi (invitation)",
	"hours.update":             "Horaires modifiés",
	"hours.exception.create":   "Exception aux horaires ajoutée",
	"hours.exception.delete":   "Exception aux horaires supprimée",
	"hours.holidays.import":    "Jours fériés ajoutés",
	"service.create":           "Service ajouté",
	"service.update":           "Service modifié",
	"service.move":             "Service déplacé",
	"service.show":             "Service affiché",
	"service.hide":             "Service masqué",
	"service.image":            "Image d'un service modifiée",
	"service.delete":           "Service supprimé",
	"equipment.rename":         "Équipement renommé",
	"equipment.delete":         "Équipement retiré",
	"garage.update":            "Coordonnées du garage modifiées",
	"user.invite":              "Invitation envoyée",
	"user.invite.resend":       "Invitation renvoyée",
	"user.role":                "Rôle modifié",
	"user.disable":             "Compte désactivé",
	"user.enable":              "Compte réactivé",
	"user.delete":              "Compte supprimé",
	"account.name":             "Nom modifié (mon compte)",
	"account.password":         "Mot de passe modifié (mon compte)",
	"account.sessions.end":     "Autres sessions fermées (mon compte)",
	"car.create":               "Voiture créée",
	"car.update":               "Voiture modifiée",
	"car.status":               "Statut d'une voiture changé",
	"car.delete":               "Voiture supprimée",
	"car.photos.add":           "Photos ajoutées",
	"car.photo.monter":         "Photo déplacée",
	"car.photo.descendre":      "Photo déplacée",
	"car.photo.principale":     "Photo principale choisie",
	"car.photo.supprimer":      "Photo supprimée",
	// Buyer tools (issue 19).
	"feed.rotate": "Adresse secrète des flux renouvelée",
	"car.import":  "Voitures importées (CSV)",
	// Workshop (issue 17).
	"appointment.create": "Rendez-vous atelier pris (par le personnel)",
	"appointment.status": "Statut d'un rendez-vous atelier changé",
	"appointment.note":   "Note interne d'un rendez-vous modifiée",
	"appointment.move":   "Rendez-vous atelier déplacé",
	"workshop.settings":  "Réglages de l'atelier modifiés",
	"workshop.block":     "Période bloquée au planning",
	"workshop.unblock":   "Période débloquée au planning",
	// Prices and quotes (issue 18).
	"price.set":      "Tarif enregistré",
	"price.withdraw": "Tarif retiré",
	"price.policy":   "Conditions des devis modifiées",
	"quote.create":   "Devis créé (brouillon)",
	"quote.update":   "Brouillon de devis modifié",
	"quote.send":     "Devis envoyé au client",
	"quote.accept":   "Devis accepté par le client",
	"quote.refuse":   "Devis refusé par le client",
}

// ActionLabel is the French name of an audit action.
func ActionLabel(action string) string {
	if l, ok := actionLabels[action]; ok {
		return l
	}
	return action
}

// AuditKinds are the kinds of action the audit log can be filtered by: an
// action prefix and its French name.
var AuditKinds = []Option{
	{"login", "Connexions"},
	{"logout", "Déconnexions"},
	{"account.", "Mon compte"},
	{"user.", "Comptes du personnel"},
	{"hours.", "Horaires"},
	{"service.", "Services"},
	{"garage.", "Coordonnées du garage"},
	{"appointment.", "Rendez-vous atelier"},
}

// UserText is a one-line summary of an account for the audit log.
func UserText(u *User) string {
	state := "actif"
	if !u.Active {
		state = "désactivé"
	}
	return u.FullName() + " <" + u.Email + ">, " + u.Role.Label() + ", " + state
}

// ServiceText is a one-line summary of a service for the audit log.
func ServiceText(sv *Service) string {
	s := sv.Title
	if sv.PriceFrom != nil {
		s += " (à partir de " + format.Euros(*sv.PriceFrom) + ")"
	}
	if !sv.Visible {
		s += " [masqué]"
	}
	if sv.Bookable {
		s += " [réservable en ligne, " + strconv.Itoa(sv.Minutes) + " min]"
	}
	return s + " : " + sv.Description
}

// DetailsText is a one-line summary of the garage's details for the audit log.
func DetailsText(g *Details) string {
	return strings.Join([]string{g.Name, g.Address(), g.Phone, g.Email, g.LegalName, "SIRET " + g.SIRET, "hébergeur " + g.Host,
		g.LegalForm, "capital " + strconv.Itoa(g.ShareCapital) + " €", "RCS " + g.RCSCity + " " + g.RCSNumber, "TVA " + g.VATNumber,
		"directeur de la publication " + g.Director, "hébergeur " + g.HostAddress + " " + g.HostPhone}, " | ")
}

// WeekText is a one-line summary of the weekly hours for the audit log.
func WeekText(w hours.Week) string {
	parts := make([]string, 0, len(w))
	for _, d := range w {
		parts = append(parts, hours.WeekdayName(d.Weekday)+" "+hours.FormatDay(d))
	}
	return strings.Join(parts, " ; ")
}

// ExceptionText is a one-line summary of an opening-hours exception for the
// audit log.
func ExceptionText(e hours.Exception) string {
	return fmt.Sprintf("%s, %s : %s", e.Label, e.Period(), e.Hours())
}
