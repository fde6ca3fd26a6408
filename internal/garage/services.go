package garage

import "time"

// Service is a repair service shown on the home page.
type Service struct {
	ID          int64
	Title       string
	Description string
	Position    int
	Visible     bool
	PriceFrom   *int // whole euros TTC, "à partir de"; nil when not shown
	Image       string
	Bookable    bool // can be booked online in the workshop
	Minutes     int  // workshop duration; 0 when not set
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Limits of a service's fields: characters, and whole euros.
const (
	ServiceMaxTitle       = 80
	ServiceMaxDescription = 600
	ServiceMaxPrice       = 100000
)
