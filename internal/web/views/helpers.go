package views

import "strconv"

var actionLabels = map[string]string{
	"login.success":   "Connexion",
	"login.failure":   "Échec de connexion",
	"login.throttled": "Connexion refusée (trop de tentatives)",
	"logout":          "Déconnexion",
	"user.create":     "Création de compte",

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
