package garage_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/vparrot/garage/"

// imports returns the packages a package of the module imports, tests
// aside, and with deep, those its module packages import in turn.
func imports(t *testing.T, pkg string, deep bool) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	var walk func(pkg string)
	walk = func(pkg string) {
		dir := filepath.Join("..", "..", strings.TrimPrefix(pkg, module))
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, spec := range f.Imports {
				path, _ := strconv.Unquote(spec.Path.Value)
				if out[path] {
					continue
				}
				out[path] = true
				if deep && strings.HasPrefix(path, module) {
					walk(path)
				}
			}
		}
	}
	walk(pkg)
	return out
}

// TestLayers holds the shape of the code (docs/architecture.md): the
// domain knows neither HTTP nor SQL; the store knows no page; the pages
// read no database; no driver is named outside the store.
func TestLayers(t *testing.T) {
	drivers := []string{"database/sql", "github.com/jackc/", "modernc.org/sqlite"}
	for _, rule := range []struct {
		pkg       string
		deep      bool
		forbidden []string
	}{
		{module + "internal/garage", true, append([]string{"net/http", module + "internal/store", module + "internal/web"}, drivers...)},
		{module + "internal/hours", true, []string{"net/http", "database/sql", module + "internal/garage", module + "internal/store"}},
		{module + "internal/store", true, []string{"net/http", module + "internal/web"}},
		{module + "internal/web/views", true, []string{module + "internal/store", "database/sql"}},
		{module + "internal/web", false, drivers},
	} {
		for path := range imports(t, rule.pkg, rule.deep) {
			for _, f := range rule.forbidden {
				if path == f || strings.HasPrefix(path, strings.TrimSuffix(f, "/")+"/") {
					t.Errorf("%s imports %s", strings.TrimPrefix(rule.pkg, module), path)
				}
			}
		}
	}
}
