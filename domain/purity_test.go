package domain_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDomainIsPure enforces the rules of package doc over every non-test
// file under domain/: imports only from the standard library (minus I/O,
// logging and randomness), google/uuid, paulmach/orb and domain itself; no
// clock reads; no init functions; no package-level variables but error
// sentinels.
func TestDomainIsPure(t *testing.T) {
	allowedPrefixes := []string{
		"github.com/google/uuid",
		"github.com/paulmach/orb",
		"github.com/jointops/jointops/domain",
	}
	forbiddenStd := map[string]bool{
		"os": true, "os/exec": true, "net": true, "net/http": true, "io/fs": true, "io/ioutil": true,
		"database/sql": true, "log": true, "log/slog": true, "syscall": true, "unsafe": true,
		"math/rand": true, "math/rand/v2": true, "crypto/rand": true, "time/tzdata": true,
	}
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		testOnly := strings.HasPrefix(filepath.ToSlash(path), "domaintest/")
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			std := !strings.Contains(strings.Split(p, "/")[0], ".")
			switch {
			case std && forbiddenStd[p]:
				t.Errorf("%s imports %s: the domain does no I/O, logging or randomness", path, p)
			case std && p == "testing" && !testOnly:
				t.Errorf("%s imports testing outside domaintest", path)
			case !std && !hasAnyPrefix(p, allowedPrefixes):
				t.Errorf("%s imports %s: only uuid, orb and domain/ are allowed", path, p)
			case strings.HasSuffix(p, "/domaintest") && !testOnly:
				t.Errorf("%s imports the test harness", path)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && id.Name == "time" && (n.Sel.Name == "Now" || n.Sel.Name == "Since" || n.Sel.Name == "Until") {
					t.Errorf("%s: time.%s reads the clock; time comes in as a value", fset.Position(n.Pos()), n.Sel.Name)
				}
			case *ast.FuncDecl:
				if n.Recv == nil && n.Name.Name == "init" {
					t.Errorf("%s: init function; register explicitly", fset.Position(n.Pos()))
				}
			case *ast.GenDecl:
				if n.Tok == token.VAR {
					for _, spec := range n.Specs {
						for _, name := range spec.(*ast.ValueSpec).Names {
							sentinel := strings.HasPrefix(name.Name, "Err")
							if name.Name != "_" && !sentinel && isTopLevel(f, n) {
								t.Errorf("%s: package-level variable %s; no global state", fset.Position(name.Pos()), name.Name)
							}
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 30 {
		t.Fatalf("checked only %d files: is the walk rooted at domain/?", files)
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if s == p || strings.HasPrefix(s, p+"/") {
			return true
		}
	}
	return false
}

func isTopLevel(f *ast.File, d *ast.GenDecl) bool {
	for _, decl := range f.Decls {
		if decl == d {
			return true
		}
	}
	return false
}
