package web

import "net/http"

// deletePhotoFiles removes the stored files of photos whose rows are gone.
// (Wired to the photo store once the photo pipeline lands.)
func (a *app) deletePhotoFiles(r *http.Request, keys []string) {}
