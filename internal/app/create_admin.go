package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/vparrot/garage/internal/garage"
	"github.com/vparrot/garage/internal/password"
	"github.com/vparrot/garage/internal/store"
)

func runCreateAdmin(ctx context.Context, e *env) error {
	fs := newFlags(e, "create-admin", "create-admin --email ADRESSE [--first-name PRÉNOM --last-name NOM]\n\n"+
		"Le mot de passe est demandé au clavier (deux fois), ou lu sur la première ligne de l'entrée standard\n"+
		"(par exemple : garage create-admin --email v@exemple.fr < fichier). Il n'est jamais passé en argument.")
	email := fs.String("email", "", "adresse e-mail de l'administrateur (obligatoire)")
	first := fs.String("first-name", "Vincent", "prénom")
	last := fs.String("last-name", "Parrot", "nom")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	address := strings.TrimSpace(*email)
	if !garage.ValidEmail(address) {
		fmt.Fprintln(e.stderr, "garage create-admin : --email doit être une adresse e-mail valide, par exemple vincent@garage-parrot.fr")
		return errUsage
	}
	if strings.TrimSpace(*first) == "" || strings.TrimSpace(*last) == "" {
		fmt.Fprintln(e.stderr, "garage create-admin : le prénom et le nom ne peuvent pas être vides")
		return errUsage
	}
	_, s, err := openCurrent(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.UserByEmail(ctx, address); err == nil {
		return fmt.Errorf("un compte existe déjà avec l'adresse %s", address)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	pw, err := readNewPassword(e)
	if err != nil {
		return err
	}
	if err := password.CheckStrength(pw, address); err != nil {
		return fmt.Errorf("mot de passe refusé : %v", err)
	}
	h := password.NewHasher(password.DefaultParams(), runtime.NumCPU())
	hash, err := h.Hash(ctx, pw)
	if err != nil {
		return err
	}
	u := &garage.User{Email: address, PasswordHash: hash, FirstName: strings.TrimSpace(*first),
		LastName: strings.TrimSpace(*last), Role: garage.RoleAdmin, Active: true}
	if err := createAdminUser(ctx, s, u); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Administrateur %s créé.\n", u.Email)
	return nil
}

// createAdminUser stores the account with its audit row.
func createAdminUser(ctx context.Context, s *store.Store, u *garage.User) error {
	if err := s.CreateUser(ctx, u, time.Now(), garage.Actor{Email: "garage create-admin"}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("un compte existe déjà avec l'adresse %s", u.Email)
		}
		// InitRoles is idempotent: if the roles were missing, they exist
		// now, so the command only needs running again.
		if n, rerr := s.InitRoles(ctx); rerr == nil && n > 0 {
			return errors.New("les rôles n'étaient pas initialisés (« garage init-roles ») : ils viennent d'être créés, relancez la commande")
		}
		return err
	}
	return nil
}

// readNewPassword asks twice on a terminal, or reads the first line of a
// non-terminal standard input.
func readNewPassword(e *env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Mot de passe (12 caractères au moins) : ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(e.stderr, "Confirmez le mot de passe : ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", errors.New("les deux mots de passe saisis sont différents")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("aucun mot de passe reçu sur l'entrée standard")
	}
	return line, nil
}
