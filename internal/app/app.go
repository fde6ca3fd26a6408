// Package app holds the garage command's subcommands: serve, db upgrade,
// init-roles, create-admin, check and demo. main only calls Run, and so do
// the tests.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/vparrot/garage/internal/config"
	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/store"
)

// env is everything a command takes from its surroundings.
type env struct {
	args   []string
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env) error
}

func commands() []command {
	return []command{
		{"serve", "lance le serveur web de production", runServe},
		{"db upgrade", "applique les migrations de la base de données", runDBUpgrade},
		{"db backup", "écrit une sauvegarde cohérente (base et photos), lisible par SQLite et PostgreSQL", runDBBackup},
		{"db restore", "restaure une sauvegarde dans une base vide (ou --force) ; sert aussi à passer de SQLite à PostgreSQL", runDBRestore},
		{"photos migrate", "copie les photos vers l'autre stockage (--to s3 ou --to disk), vérifiées par SHA-256, reprenable", runPhotosMigrate},
		{"init-roles", "crée les rôles (admin, employee) ; sans effet s'ils existent", runInitRoles},
		{"create-admin", "crée le compte administrateur (mot de passe lu au clavier ou sur l'entrée standard)", runCreateAdmin},
		{"assets export", "exporte les fichiers statiques pour nginx ou un CDN", runAssetsExport},
		{"check", "vérifie la configuration de production (code 1 en cas de problème)", runCheck},
		{"demo", "développement : site local SQLite avec du contenu de démonstration", runDemo},
	}
}

// errUsage marks a command-line mistake (exit code 2).
var errUsage = errors.New("usage")

// exitError carries an exit code with an already printed message.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Run executes the command line args (args[0] is the program name) and
// returns the process exit code. lookup reads the environment; a .env file
// in the working directory fills in what the environment does not set.
func Run(ctx context.Context, args []string, lookup func(string) (string, bool), stdin io.Reader, stdout, stderr io.Writer) int {
	getenv, err := config.LoadDotEnv(".env", lookup)
	if err != nil {
		fmt.Fprintf(stderr, "garage : fichier .env illisible : %v\n", err)
		return 1
	}
	rest := args[1:]
	if len(rest) == 0 || rest[0] == "-h" || rest[0] == "--help" || rest[0] == "help" {
		usage(stdout)
		if len(rest) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(rest) < len(words) || strings.Join(rest[:len(words)], " ") != c.name {
			continue
		}
		e := &env{args: rest[len(words):], getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
		err := c.run(ctx, e)
		var ee exitError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		case errors.As(err, &ee):
			return ee.code
		default:
			fmt.Fprintf(stderr, "garage %s : %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "garage : commande inconnue %q (voir garage --help)\n", strings.Join(rest, " "))
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "garage — site et back-office du "+garage.DefaultName)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage : garage COMMANDE [options]   (garage COMMANDE --help pour le détail)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commandes :")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Mise en service d'une nouvelle base : garage db upgrade, puis garage init-roles, puis garage create-admin.")
	fmt.Fprintln(w)
	printVars(w)
}

func printVars(w io.Writer) {
	fmt.Fprintln(w, "Variables d'environnement (un fichier .env est lu s'il existe, sans jamais remplacer l'environnement) :")
	for _, v := range config.Vars() {
		def := ""
		if v.Default != "" {
			def = " (défaut : " + v.Default + ")"
		}
		fmt.Fprintf(w, "  %-24s %s%s\n", v.Name, v.Help, def)
	}
}

// newFlags returns a flag set whose --help prints the command's usage and
// the environment variables.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage : garage %s\n\n", synopsis)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
		fmt.Fprintln(e.stdout)
		printVars(e.stdout)
	}
	return fs
}

// flagError keeps --help as is and turns other parse errors into errUsage.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return errUsage
}

// parseFlags parses args, turning mistakes into errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "argument inattendu : %q\n", fs.Arg(0))
		return errUsage
	}
	return nil
}

// loadConfig reads and parses the configuration.
func loadConfig(e *env) (*config.Config, error) {
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return nil, fmt.Errorf("configuration invalide : %w", err)
	}
	return cfg, nil
}

// openStore opens the configured database.
func openStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	s, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("base de données inaccessible : %w", err)
	}
	return s, nil
}

// openCurrent loads the configuration and opens the database, refusing
// one whose schema is behind the binary. The caller closes the store.
func openCurrent(ctx context.Context, e *env) (*config.Config, *store.Store, error) {
	cfg, err := loadConfig(e)
	if err != nil {
		return nil, nil, err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := requireSchema(ctx, s); err != nil {
		s.Close()
		return nil, nil, err
	}
	return cfg, s, nil
}

// requireSchema refuses to go on with a database whose schema is behind
// the binary.
func requireSchema(ctx context.Context, s *store.Store) error {
	cur, latest, err := s.MigrationStatus(ctx)
	if err != nil {
		return fmt.Errorf("lecture de la version du schéma : %w", err)
	}
	if cur < latest {
		return fmt.Errorf("le schéma de la base est en version %d, le programme attend la version %d : lancez d'abord « garage db upgrade »", cur, latest)
	}
	return nil
}

// newLogger builds the structured logger from LOG_LEVEL and LOG_FORMAT.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
