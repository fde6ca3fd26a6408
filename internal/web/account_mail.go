package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"html/template"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
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
	link := a.cfg.PublicURL + views.AccountLinkPath(purpose, token)
	expires := a.now().Add(purpose.TTL()).In(hours.Paris())
	name := garage.DefaultName
	if g, err := a.store.GarageDetails(ctx); err == nil {
		name = g.DisplayName()
	}
	m := &garage.OutboxMail{Kind: "account." + string(purpose), To: u.Email, ToName: u.FullName()}
	switch purpose {
	case garage.TokenInvite:
		m.Subject = "Votre accès à l'espace du personnel — " + name
		m.Text = fmt.Sprintf("Bonjour %s,\n\n"+
			"Un compte a été créé pour vous dans l'espace du personnel du %s.\n"+
			"Pour choisir votre mot de passe, ouvrez ce lien (valable jusqu'au %s, une seule fois) :\n\n%s\n\n"+
			"Si vous n'attendiez pas cette invitation, ignorez ce message.\n\n— %s\n",
			u.FirstName, name, format.DateTime(expires), link, name)
	default:
		m.Subject = "Réinitialisation de votre mot de passe — " + name
		m.Text = fmt.Sprintf("Bonjour %s,\n\n"+
			"Pour choisir un nouveau mot de passe, ouvrez ce lien (valable jusqu'au %s, une seule fois) :\n\n%s\n\n"+
			"Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.\n\n— %s\n",
			u.FirstName, format.DateTime(expires), link, name)
	}
	m.HTML = accountLinkHTML(m.Subject, u.FirstName, purpose == garage.TokenInvite, name, format.DateTime(expires), link)
	return garage.AccountLink{TokenHash: hashToken(token), Purpose: purpose, Mail: m}, nil
}

// accountLinkMailHTML is the HTML part of invitation and reset e-mails.
var accountLinkMailHTML = template.Must(template.New("account").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; color: #262526;">
<p>Bonjour {{.FirstName}},</p>
{{if .Invite}}<p>Un compte a été créé pour vous dans l'espace du personnel du {{.Garage}}.</p>
<p>Pour choisir votre mot de passe, utilisez ce lien (valable jusqu'au {{.Expires}}, une seule fois) :</p>
{{else}}<p>Pour choisir un nouveau mot de passe, utilisez ce lien (valable jusqu'au {{.Expires}}, une seule fois) :</p>
{{end}}<p><a href="{{.Link}}" style="display: inline-block; padding: 10px 16px; background: #D92332; color: #FFFFFF; text-decoration: none; border-radius: 4px;">{{if .Invite}}Choisir mon mot de passe{{else}}Choisir un nouveau mot de passe{{end}}</a></p>
<p style="color: #5B595B;">{{if .Invite}}Si vous n'attendiez pas cette invitation, ignorez ce message.{{else}}Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.{{end}}</p>
<p>— {{.Garage}}</p>
</body></html>
`))

func accountLinkHTML(subject, firstName string, invite bool, garage, expires, link string) string {
	var b bytes.Buffer
	err := accountLinkMailHTML.Execute(&b, struct {
		Subject, FirstName, Garage, Expires, Link string
		Invite                                    bool
	}{subject, firstName, garage, expires, link, invite})
	if err != nil {
		return "" // the text part alone carries the link
	}
	return b.String()
}
