package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/joho/godotenv"
)

// LoadDotEnv reads the dotenv file at path (e.g. ".env") if it exists and
// returns a getenv function for Load that prefers the real environment, as
// seen through lookup, over the file: the file never overrides a variable
// that is set in the real environment, even when it is set to the empty
// string. A missing file is not an error. A nil lookup means os.LookupEnv.
//
// Unlike godotenv.Load, it never modifies the process environment.
func LoadDotEnv(path string, lookup func(string) (string, bool)) (getenv func(string) string, err error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	fromFile := map[string]string{}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// No file: the real environment alone.
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", path, err)
	default:
		defer f.Close()
		fromFile, err = godotenv.Parse(f)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", path, err)
		}
	}
	return func(name string) string {
		if v, ok := lookup(name); ok {
			return v
		}
		return fromFile[name]
	}, nil
}
