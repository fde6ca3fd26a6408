package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/photo"
	"github.com/vparrot/garage/internal/photostore"
	"github.com/vparrot/garage/internal/store"
	"github.com/vparrot/garage/internal/web/views"
)

// Upload limits: each file is also capped by the processor (photo.Limits).
const (
	maxPhotosPerUpload = 12
	maxUploadBytes     = 64 << 20
	photoKeyPrefix     = "cars"
	// Once an upload is read, its processing may take this long (the decodes wait for the shared memory
	// budget: twelve 50 MP photos take about a minute on one core), then storing and answering this long.
	photoProcessingTime = 4 * time.Minute
	photoAnswerTime     = time.Minute
)

// photoFiles serves the stored photo files (GET /photos/{key}).
func (a *app) photoFiles() http.Handler {
	if a.photos == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.errorPage(w, r, http.StatusNotFound) })
	}
	return photostore.Handler(a.photos)
}

// errUpload is a refused upload: a French message and its status.
type errUpload struct {
	status int
	msg    string
}

func (e *errUpload) Error() string { return e.msg }

// carPhotoAddPost receives several photos at once (multipart, field
// "photos"). Every file is checked and resized before anything is stored:
// one refused file refuses the whole upload, and nothing is left behind —
// neither files nor rows — when a later step fails.
func (a *app) carPhotoAddPost(w http.ResponseWriter, r *http.Request) {
	c, ok := byPathID(a, w, r, a.store.CarByID)
	if !ok {
		return
	}
	if !a.photosReady(w, r) {
		return
	}
	ctx := r.Context()
	results, err := a.readPhotoUpload(w, r)
	if err != nil {
		var ue *errUpload
		if !errors.As(err, &ue) {
			if ctx.Err() != nil {
				return // the client left
			}
			a.serverError(w, r, err)
			return
		}
		a.log.Info("photo upload refused", "request_id", requestID(ctx), "car", c.ID, "status", ue.status, "reason", ue.msg)
		a.renderPhotoError(w, r, c, ue)
		return
	}
	rows := make([]*garage.CarPhoto, 0, len(results))
	var written []string
	for _, res := range results {
		key, err := a.storePhoto(ctx, res, photoKeyPrefix)
		if err != nil {
			a.deletePhotoFilesCtx(context.WithoutCancel(ctx), written)
			a.serverError(w, r, err)
			return
		}
		written = append(written, key)
		rows = append(rows, &garage.CarPhoto{Key: key, Width: res.Width, Height: res.Height})
	}
	if err := a.store.AddCarPhotos(ctx, c.ID, rows, a.now(), a.actor(r)); err != nil {
		// No orphan files: the rows were not written, so the files go too.
		a.deletePhotoFilesCtx(context.WithoutCancel(ctx), written)
		switch {
		case errors.Is(err, store.ErrConflict):
			a.renderPhotoError(w, r, c, &errUpload{http.StatusUnprocessableEntity,
				"Une voiture peut avoir au plus " + strconv.Itoa(garage.MaxCarPhotos) + " photos : supprimez-en avant d'en ajouter."})
		case errors.Is(err, store.ErrNotFound):
			a.errorPage(w, r, http.StatusNotFound)
		default:
			a.serverError(w, r, err)
		}
		return
	}
	if len(rows) == 1 {
		a.flash(r, "1 photo ajoutée.")
	} else {
		a.flash(r, strconv.Itoa(len(rows))+" photos ajoutées.")
	}
	http.Redirect(w, r, views.AdminCarPath(c.ID)+"#photos-titre", http.StatusSeeOther)
}

// photosReady answers 503 when the site has no photo store or processor
// (uploads are then impossible) and reports whether it has them.
func (a *app) photosReady(w http.ResponseWriter, r *http.Request) bool {
	if a.photos == nil || a.photoPro == nil {
		a.errorPage(w, r, http.StatusServiceUnavailable)
		return false
	}
	return true
}

// storePhoto writes every size of a processed photo under a new key with
// prefix; on failure it removes what it wrote and returns the error.
func (a *app) storePhoto(ctx context.Context, res *photo.Result, prefix string) (string, error) {
	key := photostore.NewKey(prefix)
	for _, v := range res.Variants {
		if err := a.photos.Put(ctx, photostore.VariantKey(key, v.Size), v.Data, v.ContentType); err != nil {
			a.deletePhotoFilesCtx(context.WithoutCancel(ctx), []string{key})
			return "", err
		}
	}
	return key, nil
}

// readPhotoUpload reads the multipart body, then runs every file through
// the photo processor. Only the "photos" files are read; their names are
// ignored (stored files get generated keys).
//
// The whole body is read first (at most maxUploadBytes, within the
// server's read timeout), then the read and write deadlines are moved past
// the processing: otherwise twelve large photos, processed as they came,
// outlived the read timeout, whose expiry cancels the request and left the
// staff with an empty page. Processing has its own bound
// (photoProcessingTime), after which the answer is a French 503.
func (a *app) readPhotoUpload(w http.ResponseWriter, r *http.Request) ([]*photo.Result, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &errUpload{http.StatusBadRequest, "Envoyez les photos avec le formulaire d'ajout de photos."}
	}
	maxFile := a.photoPro.Limits().MaxBytes
	var files [][]byte
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, uploadReadError(err)
		}
		if part.FormName() != "photos" || part.FileName() == "" {
			_, err := io.Copy(io.Discard, io.LimitReader(part, maxFormBytes))
			part.Close()
			if err != nil {
				return nil, uploadReadError(err)
			}
			continue
		}
		if len(files) == maxPhotosPerUpload {
			part.Close()
			return nil, &errUpload{http.StatusRequestEntityTooLarge,
				"Envoyez au plus " + strconv.Itoa(maxPhotosPerUpload) + " photos à la fois."}
		}
		data, err := io.ReadAll(io.LimitReader(part, maxFile+1))
		part.Close()
		if err != nil {
			return nil, uploadReadError(err)
		}
		if int64(len(data)) > maxFile { // refused at once, with the processor's words
			_, err := a.photoPro.Process(r.Context(), bytes.NewReader(data))
			return nil, photoRefusal(len(files)+1, err)
		}
		files = append(files, data)
	}
	if len(files) == 0 {
		return nil, &errUpload{http.StatusUnprocessableEntity, "Choisissez au moins une photo (JPEG, PNG ou WebP)."}
	}
	// The body is read: from here on, time goes to processing, not reading.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(photoProcessingTime + photoAnswerTime))
	_ = rc.SetWriteDeadline(time.Now().Add(photoProcessingTime + photoAnswerTime))
	ctx, cancel := context.WithTimeout(r.Context(), photoProcessingTime)
	defer cancel()
	results := make([]*photo.Result, 0, len(files))
	for i, data := range files {
		res, err := a.photoPro.Process(ctx, bytes.NewReader(data))
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil {
				return nil, &errUpload{http.StatusServiceUnavailable, "Le traitement des photos a pris trop de temps (le site est très chargé) : " +
					"rien n'a été enregistré ; réessayez avec moins de photos à la fois."}
			}
			return nil, photoRefusal(i+1, err)
		}
		files[i] = nil // processed: its bytes can go
		results = append(results, res)
	}
	return results, nil
}

// photoRefusal is the answer to photo n° n refused by the processor (or
// err, when it is not a refusal).
func photoRefusal(n int, err error) error {
	var pe *photo.Error
	if errors.As(err, &pe) {
		return &errUpload{pe.Status(), "Photo n° " + strconv.Itoa(n) + " refusée. " + pe.Error()}
	}
	return uploadReadError(err)
}

func uploadReadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &errUpload{http.StatusRequestEntityTooLarge,
			"L'envoi dépasse " + strconv.Itoa(maxUploadBytes>>20) + " Mo : envoyez moins de photos à la fois."}
	}
	if errors.Is(err, multipart.ErrMessageTooLarge) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &errUpload{http.StatusBadRequest, "L'envoi des photos a été interrompu ; réessayez."}
	}
	var pe *photo.Error
	if errors.As(err, &pe) {
		return &errUpload{pe.Status(), pe.Error()}
	}
	return &errUpload{http.StatusBadRequest, "L'envoi des photos n'a pas pu être lu ; réessayez."}
}

// renderPhotoError shows the car's page again with the refusal next to the
// photos, with the refusal's status (413, 415, 422...).
func (a *app) renderPhotoError(w http.ResponseWriter, r *http.Request, c *garage.Car, ue *errUpload) {
	f, err := a.carFormFor(r, c)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	f.PhotoErr = ue.msg
	w.Header().Set("Connection", "close") // the rest of a refused body is not read
	a.renderCarForm(w, r, ue.status, f)
}

// carPhotoChangePost reorders, promotes or deletes one photo of a car.
func (a *app) carPhotoChangePost(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r) {
		return
	}
	carID, ok := a.pathID(w, r, "id")
	if !ok {
		return
	}
	photoID, ok := a.pathID(w, r, "photo")
	if !ok {
		return
	}
	ctx := r.Context()
	action := r.PostForm.Get("action")
	msg := "Ordre des photos enregistré."
	var err error
	switch move, isMove := garage.PhotoMoves[action]; {
	case isMove:
		err = a.store.MoveCarPhoto(ctx, carID, photoID, move, a.now(), a.actor(r))
		if action == "principale" {
			msg = "Photo principale choisie."
		}
	case action == "supprimer":
		if refused := a.lastPhotoOfPublishedCar(w, r, carID); refused {
			return
		}
		var key string
		key, err = a.store.DeleteCarPhoto(ctx, carID, photoID, a.now(), a.actor(r))
		if err == nil {
			a.deletePhotoFiles(r, []string{key})
		}
		msg = "Photo supprimée."
	default:
		a.errorPage(w, r, http.StatusBadRequest)
		return
	}
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	a.flash(r, msg)
	http.Redirect(w, r, views.AdminCarPath(carID)+"#photos-titre", http.StatusSeeOther)
}

// lastPhotoOfPublishedCar refuses (and answers 422) the deletion of the
// only photo of a car that is online: its advert needs a main photo.
func (a *app) lastPhotoOfPublishedCar(w http.ResponseWriter, r *http.Request, carID int64) bool {
	c, err := a.store.CarByID(r.Context(), carID)
	if err != nil {
		return false // the deletion itself answers 404 or 500
	}
	n, err := a.store.CarPhotoCount(r.Context(), carID)
	if err != nil || c.Status != garage.CarPublished || n != 1 {
		return false
	}
	a.renderPhotoError(w, r, c, &errUpload{http.StatusUnprocessableEntity,
		"Une annonce en ligne garde au moins une photo : ajoutez-en une autre avant de supprimer celle-ci, ou repassez l'annonce en brouillon."})
	return true
}

// deletePhotoFiles removes every size of the photos whose rows are gone. A
// failure is logged: the row is already gone, and a missing file is harmless.
func (a *app) deletePhotoFiles(r *http.Request, keys []string) {
	a.deletePhotoFilesCtx(context.WithoutCancel(r.Context()), keys)
}

func (a *app) deletePhotoFilesCtx(ctx context.Context, keys []string) {
	if a.photos == nil {
		return
	}
	for _, key := range keys {
		for _, s := range photo.Sizes() {
			if err := a.photos.Delete(ctx, photostore.VariantKey(key, s.Name)); err != nil {
				a.log.Warn("photo delete", "request_id", requestID(ctx), "key", key, "error", err.Error())
			}
		}
	}
}
