package garage

import (
	"errors"
	"strings"
	"time"
)

// Role is a staff role. The roles table holds the same names.
type Role string

// The roles of SPEC.md §6.
const (
	RoleAdmin    Role = "admin"
	RoleEmployee Role = "employee"
)

// Label is the role's French name.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Administrateur"
	case RoleEmployee:
		return "Employé"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleEmployee }

// Roles lists every role, as init-roles writes them.
func Roles() []Role { return []Role{RoleAdmin, RoleEmployee} }

// ErrLastAdmin means a change would leave no active administrator: the last
// active administrator can be neither demoted, disabled nor deleted.
var ErrLastAdmin = errors.New("garage: the last active administrator must stay")

// User is a staff account.
type User struct {
	ID           int64
	Email        string
	PasswordHash string // "" until the account's owner chooses a password
	FirstName    string
	LastName     string
	Role         Role
	Active       bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// FullName is "First Last".
func (u *User) FullName() string { return strings.TrimSpace(u.FirstName + " " + u.LastName) }

// IsAdmin reports whether the user holds the admin role.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

// Limits of a staff account's fields, in characters.
const (
	UserMaxName  = 60
	MaxPassword  = 1024 // bytes; argon2id hashes whatever it is given
	MaxTokenText = 128  // an account link's token as it appears in a URL
)

// Session is a logged-in staff session. Only a hash of its token is stored,
// so a copy of the database does not hold usable session cookies.
type Session struct {
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute expiry
	Flash      string
}

// TokenPurpose is what a single-use account link lets its holder do.
type TokenPurpose string

// The account link purposes.
const (
	TokenInvite TokenPurpose = "invite" // a new employee chooses a password
	TokenReset  TokenPurpose = "reset"  // a forgotten password
)

// Lifetimes of the account links.
const (
	InviteLinkTTL = 72 * time.Hour
	ResetLinkTTL  = time.Hour
)

// TTL is how long a link of purpose p stays valid.
func (p TokenPurpose) TTL() time.Duration {
	if p == TokenInvite {
		return InviteLinkTTL
	}
	return ResetLinkTTL
}

// AccountLink is a single-use link sent by e-mail: the hash of its token
// (the token itself only travels in the e-mail), what it is for, and the
// e-mail carrying it, stored together.
type AccountLink struct {
	TokenHash string
	Purpose   TokenPurpose
	Mail      *OutboxMail // nil for none (tests)
}
