package web

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/format"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
)

// contactMailHTML is the HTML part of the notification; html/template
// escapes the visitor's text.
var contactMailHTML = template.Must(template.New("contact").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; color: #262526;">
<p>Nouveau message reçu par le formulaire de contact le {{.Date}}.</p>
<table cellpadding="4">
<tr><th align="left">De</th><td>{{.Name}}</td></tr>
<tr><th align="left">E-mail</th><td><a href="mailto:{{.Email}}">{{.Email}}</a></td></tr>
<tr><th align="left">Téléphone</th><td>{{.Phone}}</td></tr>
<tr><th align="left">Sujet</th><td>{{.Subject}}</td></tr>
{{if .Car}}<tr><th align="left">Annonce</th><td><a href="{{.CarURL}}">n° {{.Car}}</a></td></tr>{{end}}
</table>
<div style="white-space: pre-wrap; border-left: 3px solid #D92332; padding-left: 12px;">{{.Body}}</div>
<p><a href="{{.Link}}">Ouvrir le message dans l'espace du garage</a></p>
<p style="color: #5B595B;">Répondez directement à cet e-mail pour écrire à {{.Name}}.</p>
</body></html>
`))

// contactNotification is the e-mail telling the garage about message m.
// The visitor is the Reply-To, so "Répondre" writes to them.
func (a *app) contactNotification(g *garage.Details, m *garage.Message) *garage.OutboxMail {
	link := a.cfg.PublicURL + "/admin/messages/" + strconv.FormatInt(m.ID, 10)
	data := struct {
		Subject, Date, Name, Email, Phone, Body, Link, Car, CarURL string
	}{
		Subject: m.Subject, Date: format.DateTime(m.CreatedAt.In(hours.Paris())), Name: m.FullName(),
		Email: m.Email, Phone: m.Phone, Body: m.Body, Link: link,
	}
	var text strings.Builder
	text.WriteString("Nouveau message reçu par le formulaire de contact le " + data.Date + ".\n\n")
	text.WriteString("De : " + data.Name + "\nE-mail : " + m.Email + "\nTéléphone : " + m.Phone + "\nSujet : " + m.Subject + "\n")
	if m.CarID != nil {
		data.Car = strconv.FormatInt(*m.CarID, 10)
		data.CarURL = a.cfg.PublicURL + "/occasions/" + data.Car
		text.WriteString("Annonce : n° " + data.Car + " — " + data.CarURL + "\n")
	}
	text.WriteString("\n" + m.Body + "\n\n")
	text.WriteString("Ouvrir le message dans l'espace du garage : " + link + "\n")
	text.WriteString("Répondez directement à cet e-mail pour écrire à " + data.Name + ".\n")
	var html bytes.Buffer
	if err := contactMailHTML.Execute(&html, data); err != nil {
		html.Reset() // the text part alone still says everything
	}
	return &garage.OutboxMail{
		Kind: "contact.notify", To: g.Email, ToName: g.Name, ReplyTo: m.Email,
		Subject: "Nouveau message de " + data.Name + " : " + m.Subject,
		Text:    text.String(), HTML: html.String(),
	}
}
