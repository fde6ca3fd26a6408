package garage

import "strconv"

// CarField is an editable field of a car: its key (the name of the form
// field and of the audit log's detail), its French label and its bounds
// (characters for a text, values for a number). The car form, its
// validation and the audit of an edit all read this one table.
type CarField struct {
	Key, Label string
	Min, Max   int
	Unit       string          // of a number, for the messages ("€", "km")
	Options    func() []Option // of a choice
	text       func(c *Car) *string
	number     func(c *Car) *int
	multiline  bool
}

// CarFields lists the car's editable fields in form order; the status, the
// contrôle technique date and the "kilométrage non garanti" box have their
// own rules.
var CarFields = []CarField{
	{Key: "make", Label: "La marque", Max: 60, text: func(c *Car) *string { return &c.Make }},
	{Key: "model", Label: "Le modèle", Max: 60, text: func(c *Car) *string { return &c.Model }},
	{Key: "version", Label: "La version", Max: 120, text: func(c *Car) *string { return &c.Version }},
	{Key: "title", Label: "Le titre de l'annonce", Max: 160, text: func(c *Car) *string { return &c.Title }},
	{Key: "price", Label: "Le prix", Min: 1, Max: 5_000_000, Unit: "€", number: func(c *Car) *int { return &c.Price }},
	{Key: "reg_month", Label: "Le mois de mise en circulation", Min: 1, Max: 12, number: func(c *Car) *int { return &c.RegMonth }},
	{Key: "reg_year", Label: "L'année de mise en circulation", Min: 1900, Max: 2100, number: func(c *Car) *int { return &c.RegYear }},
	{Key: "mileage", Label: "Le kilométrage", Min: 1, Max: 2_000_000, Unit: "km", number: func(c *Car) *int { return &c.Mileage }},
	{Key: "power_hp", Label: "La puissance", Min: 1, Max: 2000, Unit: "ch", number: func(c *Car) *int { return &c.PowerHP }},
	{Key: "fiscal_hp", Label: "La puissance fiscale", Min: 1, Max: 200, Unit: "CV", number: func(c *Car) *int { return &c.FiscalHP }},
	{Key: "doors", Label: "Le nombre de portes", Min: 1, Max: 9, number: func(c *Car) *int { return &c.Doors }},
	{Key: "seats", Label: "Le nombre de places", Min: 1, Max: 9, number: func(c *Car) *int { return &c.Seats }},
	{Key: "fuel", Label: "L'énergie", Options: Fuels, text: func(c *Car) *string { return &c.Fuel }},
	{Key: "gearbox", Label: "La boîte de vitesses", Options: Gearboxes, text: func(c *Car) *string { return &c.Gearbox }},
	{Key: "body_type", Label: "La carrosserie", Options: BodyTypes, text: func(c *Car) *string { return &c.BodyType }},
	{Key: "crit_air", Label: "La vignette Crit'Air", Options: CritAirClasses, text: func(c *Car) *string { return &c.CritAir }},
	{Key: "colour", Label: "La couleur", Max: 40, text: func(c *Car) *string { return &c.Colour }},
	{Key: "description", Label: "La description", Max: 10000, multiline: true, text: func(c *Car) *string { return &c.Description }},
}

// CarField keys with rules of their own.
const (
	CarCTDate            = "ct_date"
	CarMileageUnverified = "mileage_unverified"
)

// CarMinCTYear is the earliest year a contrôle technique date may have.
const CarMinCTYear = 1950

// Value is the field of c as the form shows it ("" for an unset number).
func (f CarField) Value(c *Car) string {
	if f.number != nil {
		if n := *f.number(c); n != 0 {
			return strconv.Itoa(n)
		}
		return ""
	}
	return *f.text(c)
}

// Set validates raw, as typed in the form, and sets the field of c to it
// (to its zero value when raw is empty or wrong). A one-line text has its
// spaces squashed.
func (f CarField) Set(c *Car, v *Validator, raw string) {
	switch {
	case f.number != nil:
		n, _ := v.Int(f.Key, f.Label, raw, f.Min, f.Max, f.Unit)
		*f.number(c) = n
	case f.Options != nil:
		v.Choose(f.Key, raw == "" || HasOption(f.Options(), raw))
		*f.text(c) = ""
		if !v.Has(f.Key) {
			*f.text(c) = raw
		}
	case f.multiline:
		*f.text(c) = v.Text(f.Key, f.Label, raw, false, 0, f.Max)
	default:
		*f.text(c) = v.Line(f.Key, f.Label, SquashSpaces(raw), false, f.Max)
	}
}

// CarValues are c's fields as the form shows them, by key, the contrôle
// technique date and the "non garanti" box included: the form's values and
// the audit log's snapshot of a car.
func CarValues(c *Car) map[string]string {
	out := map[string]string{CarCTDate: c.CTDate}
	for _, f := range CarFields {
		if v := f.Value(c); v != "" || f.number == nil {
			out[f.Key] = v
		}
	}
	if c.MileageUnverified {
		out[CarMileageUnverified] = "1"
	}
	return out
}

// CarDiff lists the fields an edit changed, as "before → after" (the
// description only as changed), for the audit log.
func CarDiff(before, after *Car) map[string]string {
	b, a := CarValues(before), CarValues(after)
	out := map[string]string{}
	for k, v := range a {
		if b[k] != v {
			if k == "description" {
				out[k] = "modifiée"
				continue
			}
			out[k] = b[k] + " → " + v
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out[k] = v + " → "
		}
	}
	return out
}
