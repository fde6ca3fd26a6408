package web

import (
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/hours"
	"github.com/vparrot/garage/internal/photo"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

const (
	leadForm        = "lead"   // purpose of the signed render time
	leadPhotoPrefix = "leads"  // photostore key prefix of trade-in photos
	leadUploadBytes = 40 << 20 // a trade-in form with its photos
	leadMemoryBytes = 1 << 20  // above this, ParseMultipartForm spills to temporary files
)

// leadRequest serves the typed requests made from a car page: a test drive,
// a trade-in, a financing request (one kind per value).
type leadRequest struct {
	a    *app
	kind garage.LeadKind
}

// car reads the car of the path's {id}: a published car, otherwise 404.
func (l leadRequest) car(w http.ResponseWriter, r *http.Request) (*garage.Car, bool) {
	c, ok := byPathID(l.a, w, r, l.a.store.CarByID)
	if !ok {
		return nil, false
	}
	if c.Status != garage.CarPublished {
		l.a.errorPage(w, r, http.StatusNotFound)
		return nil, false
	}
	return c, true
}

func (l leadRequest) page(w http.ResponseWriter, r *http.Request) {
	c, ok := l.car(w, r)
	if !ok {
		return
	}
	l.render(w, r, http.StatusOK, views.LeadFormData{Kind: l.kind, Car: c, Token: l.a.formStamp(r, leadForm)})
}

func (l leadRequest) render(w http.ResponseWriter, r *http.Request, status int, f views.LeadFormData) {
	f.Photos = l.a.photos != nil && l.a.photoPro != nil
	p, err := l.a.page(r, "occasions", f.Title()+" — "+f.Car.DisplayTitle(), "")
	if err != nil {
		l.a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	l.a.render(w, r, status, views.LeadRequestPage(p, f))
}

// pagePost stores the request as a lead of its kind and, in the same
// transaction, the garage's notification and the visitor's
// acknowledgement. Bots get the thanks page and nothing is kept.
func (l leadRequest) pagePost(w http.ResponseWriter, r *http.Request) {
	a := l.a
	id, ok := a.pathID(w, r, "id")
	if !ok {
		return
	}
	thanks := views.LeadThanksPath(id)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, leadUploadBytes)
		if err := r.ParseMultipartForm(leadMemoryBytes); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				a.errorPage(w, r, http.StatusRequestEntityTooLarge)
				return
			}
			a.errorPage(w, r, http.StatusBadRequest)
			return
		}
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	if !a.parsePublicForm(w, r, leadForm, thanks) {
		return
	}
	c, ok := l.car(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	week, err := a.store.OpeningHours(ctx)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	now := a.now()
	exceptions, err := a.store.ListExceptions(ctx, hours.DateOf(now.In(hours.Paris())))
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	f, m, ok := parseLeadForm(l.kind, r.PostForm, now, hours.Schedule{Week: week, Exceptions: exceptions})
	f.Car, f.Token = c, r.PostForm.Get("jeton")
	var files []*multipart.FileHeader
	if r.MultipartForm != nil && l.kind == garage.LeadTradeIn {
		files = r.MultipartForm.File["photos"]
	}
	if len(files) > garage.LeadMaxPhotos {
		f.Error = "Envoyez au plus " + strconv.Itoa(garage.LeadMaxPhotos) + " photos."
		ok = false
	}
	if !ok {
		l.render(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if !a.allow(w, r, "lead:"+limitIPFrom(ctx), contactLimit, contactWindow) {
		return
	}
	m.CarID = &c.ID
	m.Subject = l.kind.Subject(c.DisplayTitle())
	var written []string
	if len(files) > 0 {
		if !a.photosReady(w, r) {
			return
		}
		for i, fh := range files {
			key, res, msg, err := a.storeLeadPhoto(ctx, fh, i+1)
			if err != nil || msg != "" {
				a.deletePhotoFilesCtx(context.WithoutCancel(ctx), written)
				if err != nil {
					a.serverError(w, r, err)
					return
				}
				f.Error = msg
				l.render(w, r, http.StatusUnprocessableEntity, f)
				return
			}
			written = append(written, key)
			m.Details.Photos = append(m.Details.Photos, garage.LeadPhoto{Key: key, Width: res.Width, Height: res.Height})
		}
	}
	g, err := a.store.GarageDetails(ctx)
	if err != nil {
		a.deletePhotoFilesCtx(context.WithoutCancel(ctx), written)
		a.serverError(w, r, err)
		return
	}
	mails := func(m *garage.Message) ([]*garage.OutboxMail, error) {
		var out []*garage.OutboxMail
		if g.Email != "" {
			n, err := views.RenderMail(ctx, views.LeadNotification{Garage: g, Message: m, Car: c, SiteURL: a.cfg.PublicURL})
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		}
		ack, err := views.RenderMail(ctx, views.LeadAck{Garage: g, Message: m, Car: c, SiteURL: a.cfg.PublicURL})
		if err != nil {
			return nil, err
		}
		return append(out, ack), nil
	}
	key := submissionKey(r, leadForm+":"+string(l.kind), postedFields(r)...)
	if err := a.store.CreateLeadOnce(ctx, key, m, mails, now); err != nil {
		a.deletePhotoFilesCtx(context.WithoutCancel(ctx), written)
		if errors.Is(err, store.ErrAlreadySubmitted) {
			a.log.Info("lead already stored", "request_id", requestID(ctx))
			http.Redirect(w, r, thanks, http.StatusSeeOther)
			return
		}
		a.serverError(w, r, err)
		return
	}
	a.log.Info("lead stored", "request_id", requestID(ctx), "message_id", m.ID, "kind", string(m.Kind))
	http.Redirect(w, r, thanks, http.StatusSeeOther)
}

// storeLeadPhoto runs the n-th photo of a trade-in through the photo
// pipeline and stores it; msg is the French reason a photo is refused.
func (a *app) storeLeadPhoto(ctx context.Context, fh *multipart.FileHeader, n int) (key string, res *photo.Result, msg string, err error) {
	file, err := fh.Open()
	if err != nil {
		return "", nil, "", err
	}
	defer file.Close()
	res, err = a.photoPro.Process(ctx, file)
	if err != nil {
		var pe *photo.Error
		if errors.As(err, &pe) {
			return "", nil, "Photo n° " + strconv.Itoa(n) + " refusée. " + pe.Error(), nil
		}
		return "", nil, "", err
	}
	key, err = a.storePhoto(ctx, res, leadPhotoPrefix)
	return key, res, "", err
}

func (a *app) leadThanks(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "id")
	if !ok {
		return
	}
	c, err := a.store.CarByID(r.Context(), id)
	if err != nil || c.Status == garage.CarDraft || c.Status == garage.CarArchived {
		c = nil // the page thanks all the same
	}
	p, err := a.page(r, "occasions", "Demande envoyée", "")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	p.NoIndex, p.Canonical = true, ""
	a.render(w, r, http.StatusOK, views.LeadThanks(p, c))
}

// parseLeadForm validates a typed request of kind at now against the
// opening hours s; f holds the input and the French error of each field.
func parseLeadForm(kind garage.LeadKind, form url.Values, now time.Time, s hours.Schedule) (f views.LeadFormData, m *garage.Message, ok bool) {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	f = views.LeadFormData{Kind: kind,
		Nom: get("nom"), Prenom: get("prenom"), Email: get("email"), Telephone: get("telephone"),
		Message: strings.ReplaceAll(get("message"), "\r\n", "\n"),
		Jour:    get("jour"), Heure: get("heure"),
		Immat: get("immatriculation"), Marque: get("marque"), Modele: get("modele"), Annee: get("annee"),
		Km: get("kilometrage"), Etat: get("etat"), Apport: get("apport"), Duree: get("duree"),
	}
	v := garage.NewValidator()
	m = &garage.Message{
		Kind:      kind,
		LastName:  v.Line("nom", "Le nom", f.Nom, true, garage.MessageMaxName),
		FirstName: v.Line("prenom", "Le prénom", f.Prenom, true, garage.MessageMaxName),
		Email:     v.Email("email", "L'adresse e-mail", f.Email, true),
		Phone:     v.Phone("telephone", "Le numéro de téléphone", f.Telephone, true),
		Body:      v.Text("message", "Le message", f.Message, false, 0, garage.MessageMaxBody),
	}
	d := &m.Details
	switch kind {
	case garage.LeadTestDrive:
		day := v.Date("jour", "Le jour", f.Jour, true, time.Time{}, time.Time{})
		clock, err := hours.ParseClock(f.Heure)
		switch {
		case f.Heure == "":
			v.Fail("heure", "L'heure est obligatoire.")
		case err != nil || clock >= hours.MinutesPerDay:
			v.Fail("heure", "L'heure n'est pas valide (exemple : 14:30).")
		case !day.IsZero():
			at := time.Date(day.Year(), day.Month(), day.Day(), clock/60, clock%60, 0, 0, hours.Paris())
			if msg := garage.TestDriveProblem(at, now, s); msg != "" {
				v.Fail("jour", msg)
			}
			at = at.UTC()
			d.PreferredAt = &at
		}
	case garage.LeadTradeIn:
		d.Plate = v.Plate("immatriculation", "L'immatriculation", f.Immat, true)
		d.Make = v.Line("marque", "La marque", f.Marque, true, garage.LeadMaxMake)
		d.Model = v.Line("modele", "Le modèle", f.Modele, true, garage.LeadMaxMake)
		if f.Annee == "" {
			v.Fail("annee", "L'année est obligatoire.")
		} else if y, ok := v.Int("annee", "L'année", f.Annee, garage.LeadMinYear, now.In(hours.Paris()).Year(), ""); ok {
			d.Year = y
		}
		if f.Km == "" {
			v.Fail("kilometrage", "Le kilométrage est obligatoire.")
		} else if km, ok := v.Int("kilometrage", "Le kilométrage", f.Km, 0, garage.LeadMaxMileage, "km"); ok {
			d.Mileage = km
		}
		if f.Etat == "" {
			v.Fail("etat", "Choisissez l'état général.")
		}
		v.Choose("etat", garage.HasOption(garage.LeadConditions(), f.Etat))
		d.Condition = f.Etat
	case garage.LeadFinancing:
		if n, ok := v.Int("apport", "L'apport", f.Apport, 0, garage.LeadMaxContrib, "€"); ok {
			d.Contribution = n
		}
		months, err := strconv.Atoi(f.Duree)
		v.Choose("duree", err == nil && slices.Contains(garage.LeadDurations(), months))
		if !v.Has("duree") {
			d.Months = months
		}
	}
	if f.Errors = v.Errors; !v.Valid() {
		return f, nil, false
	}
	return f, m, true
}
