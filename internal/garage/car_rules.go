package garage

import "time"

// The French used-car display rules checked when a car is published
// (SPEC.md §4 item 3): what an advert must show, and the contrôle technique
// a car over four years old needs.
const (
	// CTAgeYears is the age from first registration past which a car sold
	// second hand needs a recent contrôle technique.
	CTAgeYears = 4
	// CTValidMonths is how recent that contrôle technique must be.
	CTValidMonths = 6
)

// DateLayout is the layout of the dates kept as text (Car.CTDate,
// Testimonial.ExperienceDate).
const DateLayout = "2006-01-02"

// PublicationMissing lists, in French and in form order, what prevents c
// from being published on day today (a date in Europe/Paris). An empty list
// means the car may be published.
func PublicationMissing(c *Car, hasMainPhoto bool, today time.Time) []string {
	var out []string
	need := func(ok bool, msg string) {
		if !ok {
			out = append(out, msg)
		}
	}
	need(c.Make != "", "la marque")
	need(c.Model != "", "le modèle")
	need(c.Version != "", "la version (finition, motorisation)")
	need(c.RegMonth >= 1 && c.RegMonth <= 12 && c.RegYear > 0, "le mois et l'année de première mise en circulation")
	need(c.Mileage > 0 || c.MileageUnverified, "le kilométrage (ou la mention « kilométrage non garanti »)")
	need(c.Price > 0, "le prix TTC")
	need(c.CritAir != "", "la classe Crit'Air")
	if c.RegYear > 0 && c.RegMonth >= 1 && c.RegMonth <= 12 && OverCTAge(c.RegYear, c.RegMonth, today) {
		ct, err := time.Parse(DateLayout, c.CTDate)
		switch {
		case c.CTDate == "" || err != nil:
			out = append(out, "la date du dernier contrôle technique (obligatoire pour un véhicule de plus de 4 ans)")
		case ct.After(dayOf(today)):
			out = append(out, "une date de contrôle technique qui ne soit pas dans le futur")
		case !CTRecent(ct, today):
			out = append(out, "un contrôle technique de moins de 6 mois (le dernier date de plus de 6 mois)")
		}
	}
	need(hasMainPhoto, "une photo principale")
	return out
}

// MissingFor lists what keeps c, as it is now, from having status st on day
// today: the display rules when st is published (a car being published, or
// edited while online), nothing otherwise.
func (c *Car) MissingFor(st CarStatus, today time.Time) []string {
	if st != CarPublished {
		return nil
	}
	return PublicationMissing(c, c.MainPhoto != "", today)
}

// OverCTAge reports whether a car first registered in month/year is more
// than CTAgeYears old on day today.
func OverCTAge(year, month int, today time.Time) bool {
	first := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	return !first.AddDate(CTAgeYears, 0, 0).After(dayOf(today))
}

// CTRecent reports whether a contrôle technique on day ct is less than
// CTValidMonths old on day today.
func CTRecent(ct, today time.Time) bool {
	return dayOf(ct).AddDate(0, CTValidMonths, 0).After(dayOf(today))
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
