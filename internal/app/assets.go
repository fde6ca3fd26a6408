package app

import (
	"context"
	"fmt"

	"github.com/vparrot/garage/ui"
)

// runAssetsExport writes the fingerprinted static files (and their .gz
// twins) into a directory, for nginx or a CDN to serve under /static/.
func runAssetsExport(ctx context.Context, e *env) error {
	fs := newFlags(e, "assets export", "assets export RÉPERTOIRE\n\n"+
		"Écrit les fichiers statiques (noms avec empreinte, et leurs versions .gz) pour nginx ou un CDN,\n"+
		"à servir sous /static/ avec un cache long (voir docs/deployment.md).")
	if err := fs.Parse(e.args); err != nil {
		return flagError(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "garage assets export : indiquez le répertoire de destination")
		return errUsage
	}
	assets, err := ui.New()
	if err != nil {
		return err
	}
	if err := assets.Export(fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d fichiers statiques exportés dans %s\n", len(assets.Names()), fs.Arg(0))
	return nil
}
