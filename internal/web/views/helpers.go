package views

import (
	"strconv"
	"time"
)

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
	"password.reset":           "Mot de passe réinitialisé",
	"password.reset_requested": "Lien de réinitialisation demandé",
	"password.invite":          "Mot de passe choisi (invitation)",
	// Owner's back office (issue 6).
	"hours.update":           "Horaires modifiés",
	"hours.exception.create": "Exception aux horaires ajoutée",
	"hours.exception.delete": "Exception aux horaires supprimée",
	"hours.holidays.import":  "Jours fériés ajoutés",
	"service.create":         "Service ajouté",
	"service.update":         "Service modifié",
	"service.move":           "Service déplacé",
	"service.show":           "Service affiché",
	"service.hide":           "Service masqué",
	"equipment.rename":       "Équipement renommé",
	"equipment.delete":       "Équipement retiré",
	"service.image":          "Image d'un service modifiée",
	"service.delete":         "Service supprimé",
	"garage.update":          "Coordonnées du garage modifiées",
	"user.invite":            "Invitation envoyée",
	"user.invite.resend":     "Invitation renvoyée",
	"user.role":              "Rôle modifié",
	"user.disable":           "Compte désactivé",
	"user.enable":            "Compte réactivé",
	"user.delete":            "Compte supprimé",
	"account.name":           "Nom modifié (mon compte)",
	"account.password":       "Mot de passe modifié (mon compte)",
	"account.sessions.end":   "Autres sessions fermées (mon compte)",

	"car.create":           "Voiture créée",
	"car.update":           "Voiture modifiée",
	"car.status":           "Statut d'une voiture changé",
	"car.delete":           "Voiture supprimée",
	"car.photos.add":       "Photos ajoutées",
	"car.photo.monter":     "Photo déplacée",
	"car.photo.descendre":  "Photo déplacée",
	"car.photo.principale": "Photo principale choisie",
	"car.photo.supprimer":  "Photo supprimée",
}

// ActionLabel is the French name of an audit action.
func ActionLabel(action string) string {
	if l, ok := actionLabels[action]; ok {
		return l
	}
	return action
}

func pageURL(base string, page int) string {
	return base + "?page=" + strconv.Itoa(page)
}

// timeParseDate reads a YYYY-MM-DD date.
func timeParseDate(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }

// filteredPageURL is pageURL with the filters of the list kept.
func filteredPageURL(base, query string, page int) string {
	if query == "" {
		return pageURL(base, page)
	}
	return pageURL(base, page) + "&" + query
}
