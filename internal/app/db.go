package app

import (
	"context"
	"fmt"
)

func runDBUpgrade(ctx context.Context, e *env) error {
	fs := newFlags(e, "db upgrade", "db upgrade")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	// What this run applied, not a before/after look around it: with
	// several upgrades at once, only the one that migrated says so.
	before, after, err := s.Upgrade(ctx)
	if err != nil {
		return err
	}
	if after == before {
		fmt.Fprintf(e.stdout, "Base %s déjà à jour (version %d).\n", s.Engine(), after)
	} else {
		fmt.Fprintf(e.stdout, "Base %s migrée de la version %d à la version %d.\n", s.Engine(), before, after)
	}
	return nil
}

func runInitRoles(ctx context.Context, e *env) error {
	fs := newFlags(e, "init-roles", "init-roles")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	_, s, err := openCurrent(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.InitRoles(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintln(e.stdout, "Rôles déjà présents : rien à faire.")
	} else {
		fmt.Fprintf(e.stdout, "%d rôle(s) ajouté(s) : admin, employee.\n", n)
	}
	return nil
}
