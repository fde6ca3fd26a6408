package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/web/views"
)

// newAccountLink makes a single-use link for u: a random token, and the
// e-mail carrying it; only the token's hash is stored (store.InviteUser,
// store.SendAccountLink).
func (a *app) newAccountLink(ctx context.Context, u *garage.User, purpose garage.TokenPurpose) (garage.AccountLink, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return garage.AccountLink{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	m, err := views.RenderMail(ctx, views.AccountLinkMail{User: u, Purpose: purpose, Garage: a.garageName(ctx),
		Link: a.cfg.PublicURL + views.AccountLinkPath(purpose, token), Expires: a.now().Add(purpose.TTL())})
	if err != nil {
		return garage.AccountLink{}, err
	}
	return garage.AccountLink{TokenHash: hashToken(token), Purpose: purpose, Mail: m}, nil
}

// garageName is the garage's name for an e-mail: its details', or the
// default one when they are not set or cannot be read (the e-mail goes
// anyway).
func (a *app) garageName(ctx context.Context) string {
	g, err := a.store.GarageDetails(ctx)
	if err != nil {
		return garage.DefaultName
	}
	return g.DisplayName()
}
