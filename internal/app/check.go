package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/store"
)

// runCheck is the production self-check: one line per problem, exit code 1
// when any problem is fatal.
func runCheck(ctx context.Context, e *env) error {
	fs := newFlags(e, "check", "check")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	cfg, err := loadConfig(e)
	if err != nil {
		fmt.Fprintf(e.stdout, "ERREUR : %v\n", err)
		return exitError{1}
	}
	problems := append(config.CommentedValues(e.getenv), checkAll(ctx, cfg)...)
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p.String())
	}
	if config.HasFatal(problems) {
		return exitError{1}
	}
	if len(problems) == 0 {
		fmt.Fprintf(e.stdout, "Configuration %s : aucun problème.\n", cfg.Env)
	}
	return nil
}

// checkAll validates the configuration, then that the database answers
// and its schema is current.
func checkAll(ctx context.Context, cfg *config.Config) []config.Problem {
	problems := cfg.Validate()
	problems = append(problems, backupScheduleProblems(cfg, time.Now())...)
	// Opening a missing SQLite file would create it (and its directory):
	// a check must not leave an empty database behind.
	if path := store.SQLitePath(cfg.DatabaseURL); !store.IsPostgresURL(cfg.DatabaseURL) && path != "" {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return append(problems, config.Problem{Fatal: true, Message: fmt.Sprintf(
				"DATABASE_URL : la base SQLite « %s » n'existe pas : lancez d'abord « garage db upgrade »", path)})
		}
	}
	if cfg.Photos.Storage == config.PhotoStorageS3 && cfg.S3SettingsValid() {
		// The bucket exists and answers to the credentials.
		if _, closePhotos, err := openPhotos(ctx, cfg); err != nil {
			problems = append(problems, config.Problem{Fatal: true, Message: "PHOTO_STORAGE=s3 : " + err.Error()})
		} else {
			closePhotos()
		}
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return append(problems, config.Problem{Fatal: true, Message: "DATABASE_URL : " + err.Error()})
	}
	defer s.Close()
	if err := requireSchema(ctx, s); err != nil {
		problems = append(problems, config.Problem{Fatal: true, Message: "DATABASE_URL : " + err.Error()})
	}
	return problems
}
