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
