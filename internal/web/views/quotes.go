package views

import (
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
)

// Paths of the price board and the quotes.
const (
	PricesPath          = "/tarifs"
	AdminPricesPath     = "/admin/tarifs"
	QuoteRequestPath    = "/devis"
	QuoteThanksPath     = "/devis/merci"
	AdminQuotesPath     = "/admin/devis"
	AdminQuoteNewPath   = "/admin/devis/nouveau"
	adminPricesWithdraw = "/admin/tarifs/retirer"
	adminPricesPolicy   = "/admin/tarifs/politique"
)

// AdminQuotePath is a quote's back-office page, or one of its actions.
func AdminQuotePath(id int64, action ...string) string { return idPath("/admin/devis/", id, action) }

// QuoteLinkPath is a customer's quote page, or one of its actions.
func QuoteLinkPath(token string, action ...string) string {
	p := "/devis/" + token
	for _, a := range action {
		p += "/" + a
	}
	return p
}

// PricesPublic is the public price board.
type PricesPublic struct {
	Board    *garage.PriceBoard
	Services []*garage.Service
}

// PricesAdmin is the back office's price board page.
type PricesAdmin struct {
	Board   *garage.PriceBoard
	History []*garage.PriceItem
	Item    PriceItemForm
	Policy  PolicyForm
}

// PriceItemForm adds or changes an item of the board.
type PriceItemForm struct {
	Kind, Code, Label, Contents, Price, Position string
	Errors                                       map[string]string
}

// PolicyForm changes the quote policy.
type PolicyForm struct {
	Free           bool
	Fee, Days, VAT string
	Errors         map[string]string
}

// QuoteRequestForm is the public quote request form.
type QuoteRequestForm struct {
	Token                                  string
	Service                                string
	Services                               []*garage.Service
	Nom, Prenom, Email, Telephone, Message string
	Immat, Marque, Modele, Annee, Km       string
	Consent                                bool
	Photos                                 bool // the site takes photos
	Error                                  string
	Errors                                 map[string]string
}

// QuoteList is the back office's list of requests and quotes.
type QuoteList struct {
	Status   garage.QuoteStatus // "" for all
	Requests []*garage.Message
	Quotes   []*garage.Quote
	Now      time.Time
}

// QuoteLineForm is one line of the quote form, as typed.
type QuoteLineForm struct {
	Kind, Code, Reference, Label, Quantity, Unit string
}

// QuoteForm builds or edits a draft.
type QuoteForm struct {
	ID                                        int64 // 0 for a new quote
	MessageID                                 int64
	Name, Email, Phone, Plate, Vehicle, Notes string
	ValidUntil                                string
	Lines                                     []QuoteLineForm
	Board                                     *garage.PriceBoard
	Errors                                    map[string]string
	LineErrors                                map[int]string
}

// QuoteAdmin is a quote's back-office page.
type QuoteAdmin struct {
	Quote    *garage.Quote
	State    garage.QuoteStatus
	Form     *QuoteForm // set for a draft
	Previous *garage.Quote
	Garage   *garage.Details
	Planned  []*garage.Appointment // the appointments planned from an accepted quote
}

// QuoteCustomer is the customer's page of a sent quote.
type QuoteCustomer struct {
	Quote  *garage.Quote
	State  garage.QuoteStatus
	Token  string
	Garage *garage.Details
	Name   string
	Reason string
	Errors map[string]string
}

func lineNo(i int) string { return strconv.Itoa(i + 1) }

func cents(c int64) string { return garage.FormatCents(c) }

// sentDay is when a quote was made: sent, or created for a draft.
func sentDay(q *garage.Quote) time.Time {
	if q.SentAt != nil {
		return *q.SentAt
	}
	return q.CreatedAt
}

// lowerLabel is a status's label in lower case ("accepté").
func lowerLabel(s garage.QuoteStatus) string { return strings.ToLower(s.Label()) }
