package garage

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// CarStatus is where a car stands in its life on the site.
type CarStatus string

// The car statuses: a draft is invisible; a published car is listed; a sold
// car keeps its page (and a "Vendu" badge in the list for a while); an
// archived car is gone from the site.
const (
	CarDraft     CarStatus = "draft"
	CarPublished CarStatus = "published"
	CarSold      CarStatus = "sold"
	CarArchived  CarStatus = "archived"
)

// CarStatuses lists every status in life order.
func CarStatuses() []CarStatus { return []CarStatus{CarDraft, CarPublished, CarSold, CarArchived} }

// Valid reports whether s is a known status.
func (s CarStatus) Valid() bool {
	switch s {
	case CarDraft, CarPublished, CarSold, CarArchived:
		return true
	}
	return false
}

// Label is the status's French name.
func (s CarStatus) Label() string {
	switch s {
	case CarDraft:
		return "Brouillon"
	case CarPublished:
		return "En vente"
	case CarSold:
		return "Vendu"
	case CarArchived:
		return "Archivé"
	}
	return string(s)
}

// ErrBadTransition is returned for a status change the life cycle does not allow.
var ErrBadTransition = errors.New("garage: car status change not allowed")

// carTransitions lists the allowed status changes: forward along
// draft → published → sold → archived, and back one step or to draft.
var carTransitions = map[CarStatus][]CarStatus{
	CarDraft:     {CarPublished, CarArchived},
	CarPublished: {CarDraft, CarSold, CarArchived},
	CarSold:      {CarPublished, CarArchived, CarDraft},
	CarArchived:  {CarDraft, CarPublished, CarSold},
}

// CanTransition reports whether a car may go from one status to another.
func CanTransition(from, to CarStatus) bool {
	for _, t := range carTransitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

// SoldCarListedDays is how long a sold car stays in the public list with a
// "Vendu" badge; its own page stays online after that.
const SoldCarListedDays = 30

// Car is a used car for sale. Whole numbers a draft may leave empty are 0
// when unknown.
type Car struct {
	ID                int64
	Slug              string
	Title             string
	Make              string
	Model             string
	Version           string
	Price             int // whole euros TTC
	RegMonth          int // month of first registration, 1–12
	RegYear           int // year of first registration
	Mileage           int // km
	MileageUnverified bool
	Fuel              string // a Fuels() code
	Gearbox           string // a Gearboxes() code
	PowerHP           int    // ch DIN
	FiscalHP          int    // CV fiscaux
	Doors             int
	Seats             int
	Colour            string
	BodyType          string // a BodyTypes() code
	CritAir           string // a CritAirClasses() code
	CTDate            string // YYYY-MM-DD of the last contrôle technique, "" when none
	Description       string
	Status            CarStatus
	CreatedBy         *int64
	PublishedAt       time.Time // zero when never published
	SoldAt            time.Time // zero unless sold
	CreatedAt         time.Time
	UpdatedAt         time.Time

	// MainPhoto is the photo store key of the main photo, "" when none
	// (filled when the car is read).
	MainPhoto string
}

// DefaultTitle is the title derived from make, model and version.
func (c *Car) DefaultTitle() string {
	return strings.Join(strings.Fields(c.Make+" "+c.Model+" "+c.Version), " ")
}

// SlugSource is what the car's URL slug is made from: the title, else make,
// model and version (never the "Véhicule n° …" placeholder).
func (c *Car) SlugSource() string {
	if t := strings.TrimSpace(c.Title); t != "" {
		return t
	}
	return c.DefaultTitle()
}

// DisplayTitle is the title, or the derived one when it is empty.
func (c *Car) DisplayTitle() string {
	if t := c.SlugSource(); t != "" {
		return t
	}
	return fmt.Sprintf("Véhicule n° %d", c.ID)
}

// Option is a code and its French label, for the fixed vocabularies.
type Option struct{ Code, Label string }

var (
	fuels = []Option{{"essence", "Essence"}, {"diesel", "Diesel"}, {"hybride", "Hybride"},
		{"hybride-rechargeable", "Hybride rechargeable"}, {"electrique", "Électrique"}, {"gpl", "GPL"}, {"e85", "Superéthanol E85"}}
	gearboxes = []Option{{"manuelle", "Manuelle"}, {"automatique", "Automatique"}}
	bodyTypes = []Option{{"citadine", "Citadine"}, {"berline", "Berline"}, {"break", "Break"}, {"suv", "SUV / 4x4"},
		{"monospace", "Monospace"}, {"coupe", "Coupé"}, {"cabriolet", "Cabriolet"}, {"utilitaire", "Utilitaire"}}
	critAir = []Option{{"0", "Crit'Air 0 (électrique)"}, {"1", "Crit'Air 1"}, {"2", "Crit'Air 2"}, {"3", "Crit'Air 3"},
		{"4", "Crit'Air 4"}, {"5", "Crit'Air 5"}, {"nc", "Non classé"}}
)

// Fuels is the vocabulary of Car.Fuel.
func Fuels() []Option { return fuels }

// Gearboxes is the vocabulary of Car.Gearbox.
func Gearboxes() []Option { return gearboxes }

// BodyTypes is the vocabulary of Car.BodyType.
func BodyTypes() []Option { return bodyTypes }

// CritAirClasses is the vocabulary of Car.CritAir.
func CritAirClasses() []Option { return critAir }

// OptionLabel returns the label of code in opts, or code itself.
func OptionLabel(opts []Option, code string) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

// HasOption reports whether code belongs to opts.
func HasOption(opts []Option, code string) bool {
	for _, o := range opts {
		if o.Code == code {
			return true
		}
	}
	return false
}

// CarSort names an order of the car list; the codes are the values of the
// list's "tri" parameter.
type CarSort string

// The orders of the car list. Ties are broken by ID, newest first, so pages
// never overlap.
const (
	SortNewest      CarSort = "recent"     // newest publication first (the default)
	SortPriceAsc    CarSort = "prix"       // cheapest first
	SortPriceDesc   CarSort = "prix-desc"  // most expensive first
	SortMileageAsc  CarSort = "km"         // lowest mileage first
	SortYearDesc    CarSort = "annee-desc" // most recent registration first
	SortYearAsc     CarSort = "annee"      // oldest registration first
	SortUpdatedDesc CarSort = "modifie"    // last edited first (back office)
)

// CarSorts lists the public sorts with their French labels.
func CarSorts() []Option {
	return []Option{{string(SortNewest), "Les plus récentes"}, {string(SortPriceAsc), "Prix croissant"},
		{string(SortPriceDesc), "Prix décroissant"}, {string(SortMileageAsc), "Kilométrage croissant"},
		{string(SortYearDesc), "Année : plus récente"}, {string(SortYearAsc), "Année : plus ancienne"}}
}

// Valid reports whether s is a known sort, the back office's included.
func (s CarSort) Valid() bool {
	return s == SortUpdatedDesc || HasOption(CarSorts(), string(s))
}

// CarFilter selects cars for a list. Nil or empty fields do not filter.
type CarFilter struct {
	Statuses []CarStatus // any of these; empty means every status
	// SoldSince, when set, also lets in sold cars sold at or after it (the
	// public list shows them with a "Vendu" badge), listed after the others.
	SoldSince *time.Time

	Search  string // substring of make, model, version or title, any case
	Make    string // exact make, any case
	Fuel    string
	Gearbox string

	PriceMin, PriceMax     *int
	MileageMin, MileageMax *int
	YearMin, YearMax       *int

	// IDs, when not nil, keeps only these cars (a search alert's price
	// drops); an empty non-nil list selects nothing.
	IDs []int64

	Sort   CarSort // SortNewest when empty
	Offset int
	Limit  int // 0 means no limit

	// NoCount skips counting every match (the list's total is then -1): the
	// home page shows a few cars and needs no total.
	NoCount bool
}

// Range is the smallest and largest value of a car field.
type Range struct{ Min, Max int }

// CarFacets describe the published cars: the bounds of the range filters
// and the values the select filters may take.
type CarFacets struct {
	Price, Mileage, Year Range
	Makes                []string // as written, sorted case-insensitively
	Fuels, Gearboxes     []string // codes
}

// CarPhoto is one photo of a car. Its files live in the photo store under
// Key (one per size); the first photo by position is the main one.
type CarPhoto struct {
	ID        int64
	CarID     int64
	Key       string
	Position  int
	Width     int
	Height    int
	CreatedAt time.Time
}

// MaxCarPhotos bounds how many photos a car may have.
const MaxCarPhotos = 30

// PhotoMove says where a photo goes in its car's order.
type PhotoMove int

// The photo moves: one step earlier or later, or first (the main photo).
const (
	PhotoUp PhotoMove = iota
	PhotoDown
	PhotoFirst
)

// PhotoMoves are the photo moves by the name the car form posts, which also
// names them in the audit log ("car.photo.monter").
var PhotoMoves = map[string]PhotoMove{"monter": PhotoUp, "descendre": PhotoDown, "principale": PhotoFirst}

// Name is the move's name in PhotoMoves.
func (m PhotoMove) Name() string {
	for name, mv := range PhotoMoves {
		if mv == m {
			return name
		}
	}
	return ""
}

// CarEquipment is a car's equipment as the car form sets it: entries of
// the vocabulary, and new names to add to it.
type CarEquipment struct {
	IDs      []int64
	NewNames []string
}

// Equipment is an entry of the shared equipment and options vocabulary
// ("Climatisation automatique", "Caméra de recul").
type Equipment struct {
	ID   int64
	Name string
}

// MaxEquipmentName bounds the length of an equipment name, in characters.
const MaxEquipmentName = 80

// EquipmentUse is a vocabulary entry with the number of cars that list it.
type EquipmentUse struct {
	Equipment
	Cars int
}
