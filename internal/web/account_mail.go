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

// sendAccountLink creates a single-use token for u (revoking any earlier
// one of the same purpose) and puts the e-mail carrying its link in the
// outbox. Only the token's hash is stored.
func (a *app) sendAccountLink(ctx context.Context, u *garage.User, purpose garage.TokenPurpose) error {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	ttl := purpose.TTL()
	now := a.now()
	if err := a.store.CreateAccountToken(ctx, hashToken(token), u.ID, purpose, now, ttl); err != nil {
		return err
	}
	link := a.cfg.PublicURL + views.AccountLinkPath(purpose, token)
	expires := now.Add(ttl).In(hours.Paris())
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
	return a.store.EnqueueMail(ctx, m, now)
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
