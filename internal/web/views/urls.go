package views

import (
	"strconv"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
)

// The paths of the site's pages and actions, built here and only here: the
// handlers (redirects, e-mail links, the sitemap) and the templates use the
// same functions. Route patterns themselves live in web/routes.go. Each
// function taking an action returns the path of that action on the entity
// ("/admin/services/12/supprimer"); without one, the entity's own page.

// CarPath is the canonical public path of a car: /occasions/123-slug.
func CarPath(c *garage.Car) string {
	if c.Slug == "" {
		return CarIDPath(c.ID)
	}
	return CarIDPath(c.ID) + "-" + c.Slug
}

// CarIDPath is a car's public path without its slug (/occasions/123), which
// redirects to the canonical one: for links made before the slug is known.
func CarIDPath(id int64) string { return "/occasions/" + strconv.FormatInt(id, 10) }

// AdminCarPath is a car's back-office page, or one of its actions.
func AdminCarPath(id int64, action ...string) string { return idPath("/admin/voitures/", id, action) }

// AdminCarPhotoPath is the action path of one photo of a car.
func AdminCarPhotoPath(carID, photoID int64) string {
	return AdminCarPath(carID, "photos", strconv.FormatInt(photoID, 10))
}

// AdminMessagePath is a message's back-office page.
func AdminMessagePath(id int64) string { return idPath("/admin/messages/", id, nil) }

// AdminReviewPath is the path of a moderation action on a review.
func AdminReviewPath(id int64, action ...string) string { return idPath("/admin/avis/", id, action) }

// AdminServicePath is a service's edit page, or one of its actions.
func AdminServicePath(id int64, action ...string) string {
	return idPath("/admin/services/", id, action)
}

// AdminServiceRow is the services list scrolled to one service, so that
// keyboard users keep their place after an action.
func AdminServiceRow(id int64) string { return "/admin/services#service-" + strconv.FormatInt(id, 10) }

// AdminStaffPath is the path of an action on a staff account.
func AdminStaffPath(id int64, action ...string) string { return idPath("/admin/comptes/", id, action) }

// AdminEquipmentPath is the path of an action on an equipment entry.
func AdminEquipmentPath(id int64, action ...string) string {
	return idPath("/admin/equipements/", id, action)
}

// AdminExceptionPath is the path of an action on an opening-hours exception.
func AdminExceptionPath(id int64, action ...string) string {
	return idPath("/admin/horaires/exceptions/", id, action)
}

// AccountLinkPath is the page an account link of purpose p opens.
func AccountLinkPath(p garage.TokenPurpose, token string) string {
	if p == garage.TokenInvite {
		return "/invitation/" + token
	}
	return "/reinitialiser/" + token
}

// pageURL is a paginated list's URL for page.
func pageURL(base string, page int) string {
	return base + "?page=" + strconv.Itoa(page)
}

// filteredPageURL is pageURL with the list's filters (a URL-encoded query)
// kept.
func filteredPageURL(base, query string, page int) string {
	if query == "" {
		return pageURL(base, page)
	}
	return pageURL(base, page) + "&" + query
}

func idPath(base string, id int64, action []string) string {
	p := base + strconv.FormatInt(id, 10)
	for _, a := range action {
		p += "/" + a
	}
	return p
}

// Workshop (issue 17).
const (
	// AppointmentsPath is the public booking page.
	AppointmentsPath = "/rendez-vous"
	// AppointmentBookBase is the form that books one slot.
	AppointmentBookBase = "/rendez-vous/reserver"
	// AppointmentThanksPath confirms a booking (a retried form).
	AppointmentThanksPath = "/rendez-vous/merci"
	// AdminWorkshopPath is the planning board.
	AdminWorkshopPath = "/admin/atelier"
	// AdminWorkshopSettingsPath is the workshop's settings (administrator).
	AdminWorkshopSettingsPath = "/admin/atelier/reglages"
)

// AppointmentTokenPath is the customer's page of an appointment (personal
// link), or one of its actions.
func AppointmentTokenPath(token string, action ...string) string {
	p := AppointmentsPath + "/" + token
	for _, a := range action {
		p += "/" + a
	}
	return p
}

// AdminWorkshopDayPath is the planning board of one day.
func AdminWorkshopDayPath(d hours.Date) string { return AdminWorkshopPath + "?jour=" + d.String() }

// AdminAppointmentPath is an appointment's back-office page, or one of its actions.
func AdminAppointmentPath(id int64, action ...string) string {
	return idPath("/admin/atelier/rendez-vous/", id, action)
}

// AppointmentServicePath is the booking page with one service chosen.
func AppointmentServicePath(id int64) string {
	return AppointmentsPath + "?service=" + strconv.FormatInt(id, 10)
}
