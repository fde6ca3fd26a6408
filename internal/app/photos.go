package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/photostore"
)

// photosDir is where the disk photo store keeps its files.
func photosDir(cfg *config.Config) string { return filepath.Join(cfg.DataDir, "photos") }

// openPhotos opens the photo store that PHOTO_STORAGE selects. An S3 bucket
// is checked (it exists and answers to the credentials), so that a mistake
// stops the command at once with a clear message. close releases it.
func openPhotos(ctx context.Context, cfg *config.Config) (s photostore.Store, close func(), err error) {
	return openPhotoStorage(ctx, cfg, cfg.Photos.Storage)
}

// openPhotoStorage opens the store of the given kind (config.PhotoStorageDisk
// or config.PhotoStorageS3), configured from cfg whatever PHOTO_STORAGE says.
func openPhotoStorage(ctx context.Context, cfg *config.Config, kind string) (photostore.Store, func(), error) {
	switch kind {
	case config.PhotoStorageS3:
		p := cfg.Photos
		if p.S3Endpoint == "" || p.S3Bucket == "" {
			return nil, nil, errors.New("stockage S3 des photos : S3_ENDPOINT et S3_BUCKET sont obligatoires (voir « garage check »)")
		}
		s, err := photostore.NewS3(photostore.S3Config{
			Endpoint: p.S3Endpoint, Bucket: p.S3Bucket, Region: p.S3Region,
			AccessKeyID: p.S3AccessKeyID, SecretAccessKey: p.S3SecretAccessKey, PathStyle: p.S3PathStyle,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("stockage S3 des photos : %w", err)
		}
		if err := s.Check(ctx); err != nil {
			return nil, nil, fmt.Errorf("stockage S3 des photos inaccessible (bucket « %s » sur %s) : %w", p.S3Bucket, p.S3Endpoint, err)
		}
		return s, func() {}, nil
	default:
		d, err := photostore.NewDisk(photosDir(cfg))
		if err != nil {
			return nil, nil, fmt.Errorf("répertoire des photos : %w", err)
		}
		return d, func() { _ = d.Close() }, nil
	}
}

// migrateSummary counts what a photo migration did. Vanished are the keys listed in the source that were
// gone when their turn came: photos deleted meanwhile (a car's photo removed, the janitor's orphan
// clean-up), so nothing to copy, not a failure.
type migrateSummary struct {
	Copied, Skipped, Vanished, Failed int
}

// errVanished: the source no longer holds a key it listed.
var errVanished = errors.New("supprimée de la source pendant la copie")

// migratePhotos copies every key of src into dst, verifying each copy by
// SHA-256 read back from dst. A key already in dst with the same checksum is
// skipped, so that a second run finishes an interrupted one; a key in dst
// with other content (a truncated copy) is copied again. src is never
// changed. report is called once per failed key.
func migratePhotos(ctx context.Context, src, dst photostore.Store, report func(key string, err error)) (migrateSummary, error) {
	var sum migrateSummary
	keys, err := src.List(ctx, "")
	if err != nil {
		return sum, err
	}
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		copied, err := migrateOne(ctx, src, dst, key)
		switch {
		case errors.Is(err, errVanished):
			sum.Vanished++
		case err != nil:
			sum.Failed++
			report(key, err)
		case copied:
			sum.Copied++
		default:
			sum.Skipped++
		}
	}
	return sum, nil
}

func migrateOne(ctx context.Context, src, dst photostore.Store, key string) (copied bool, err error) {
	data, err := photostore.ReadFile(ctx, src, key)
	if errors.Is(err, photostore.ErrNotFound) {
		return false, errVanished
	}
	if err != nil {
		return false, fmt.Errorf("lecture de la source : %w", err)
	}
	want := sha256.Sum256(data)
	if have, err := photostore.ReadFile(ctx, dst, key); err == nil && sha256.Sum256(have) == want {
		return false, nil
	} else if err != nil && !errors.Is(err, photostore.ErrNotFound) {
		return false, fmt.Errorf("lecture de la destination : %w", err)
	}
	if err := dst.Put(ctx, key, data, ""); err != nil {
		return false, fmt.Errorf("écriture : %w", err)
	}
	back, err := photostore.ReadFile(ctx, dst, key)
	if err != nil {
		return false, fmt.Errorf("relecture : %w", err)
	}
	if sha256.Sum256(back) != want {
		return false, errors.New("la copie relue ne correspond pas à l'original (SHA-256 différent)")
	}
	return true, nil
}

func runPhotosMigrate(ctx context.Context, e *env) error {
	fs := newFlags(e, "photos migrate", "photos migrate --to s3|disk\n\n"+
		"Copie toutes les photos du stockage actuel (PHOTO_STORAGE) vers l'autre : DATA_DIR/photos pour disk, le bucket S3_* pour s3.\n"+
		"Chaque copie est relue et vérifiée (SHA-256) ; les fichiers déjà copiés à l'identique sont passés, on peut donc relancer\n"+
		"la commande après une interruption. La source n'est jamais modifiée. Ensuite, changez PHOTO_STORAGE et redémarrez.")
	to := fs.String("to", "", "stockage de destination : s3 ou disk")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *to != config.PhotoStorageS3 && *to != config.PhotoStorageDisk {
		fmt.Fprintln(e.stderr, "garage photos migrate : indiquez --to s3 ou --to disk (voir --help)")
		return errUsage
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	from := cfg.Photos.Storage
	if from == *to {
		return fmt.Errorf("PHOTO_STORAGE vaut déjà « %s » : la migration copie depuis le stockage actuel vers l'autre", from)
	}
	src, closeSrc, err := openPhotoStorage(ctx, cfg, from)
	if err != nil {
		return err
	}
	defer closeSrc()
	dst, closeDst, err := openPhotoStorage(ctx, cfg, *to)
	if err != nil {
		return err
	}
	defer closeDst()
	fmt.Fprintf(e.stdout, "Migration des photos : %s → %s\n", from, *to)
	sum, err := migratePhotos(ctx, src, dst, func(key string, err error) {
		fmt.Fprintf(e.stderr, "ÉCHEC %s : %v\n", key, err)
	})
	fmt.Fprintf(e.stdout, "Photos copiées : %d, déjà présentes : %d, en échec : %d\n", sum.Copied, sum.Skipped, sum.Failed)
	if sum.Vanished > 0 {
		fmt.Fprintf(e.stdout, "Photos supprimées de la source pendant la copie (rien à copier) : %d\n", sum.Vanished)
	}
	if err != nil {
		return fmt.Errorf("migration interrompue : %w", err)
	}
	if sum.Failed > 0 {
		return fmt.Errorf("%d photo(s) n'ont pas pu être copiées : relancez la commande", sum.Failed)
	}
	fmt.Fprintf(e.stdout, "Terminé. Passez maintenant PHOTO_STORAGE=%s et redémarrez le site. Les photos envoyées d'ici là ne seront "+
		"que dans l'ancien stockage : relancez cette commande juste avant le redémarrage (elle ne copie que ce qui manque).\n", *to)
	return nil
}
