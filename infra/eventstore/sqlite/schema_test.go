package sqlite

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
)

// header reads application_id, user_version and journal_mode of a file.
func header(t *testing.T, path string) (appID int32, version int, journal string) {
	t.Helper()
	db := rawDB(t, path)
	ctx := t.Context()
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		t.Fatalf("application_id: %v", err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		t.Fatalf("user_version: %v", err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
		t.Fatalf("journal_mode: %v", err)
	}
	_ = db.Close()
	return appID, version, journal
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		want    string // part of the message
	}{
		{"another application's database", func(t *testing.T, path string) {
			db := rawDB(t, path)
			if _, err := db.ExecContext(t.Context(), "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)"); err != nil {
				t.Fatal(err)
			}
			_ = db.Close()
		}, "is not a Jointops event log"},
		{"empty database of another application", func(t *testing.T, path string) {
			db := rawDB(t, path)
			if _, err := db.ExecContext(t.Context(), "PRAGMA application_id = 1234"); err != nil {
				t.Fatal(err)
			}
			_ = db.Close()
		}, "is not a Jointops event log"},
		{"not a database", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte(strings.Repeat("this is a text file, not SQLite\n", 64)), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "is not a SQLite database"},
		{"newer schema version", func(t *testing.T, path string) {
			s := openTest(t, Config{Path: path, Logger: quiet})
			mustAppend(t, s, "s", eventstore.Any(), events(1)...)
			_ = s.Close()
			db := rawDB(t, path)
			if _, err := db.ExecContext(t.Context(), "PRAGMA user_version = 99"); err != nil {
				t.Fatal(err)
			}
			_ = db.Close()
		}, "schema version 99, newer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "other.db")
			tt.prepare(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(t.Context(), Config{Path: path, Logger: quiet})
			if err == nil {
				_ = s.Close()
				t.Fatal("Open succeeded, want ErrIncompatibleStore")
			}
			if !errors.Is(err, eventstore.ErrIncompatibleStore) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Open = %v, want ErrIncompatibleStore naming %s and saying %q", err, path, tt.want)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(after) != string(before) {
				t.Fatal("Open changed a file it refused")
			}
		})
	}
}

func TestOpenInitialisesNewFiles(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(path string) error
	}{
		{"missing file", func(string) error { return nil }},
		{"empty file", func(path string) error { return os.WriteFile(path, nil, 0o600) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "events.db")
			if err := tt.prepare(path); err != nil {
				t.Fatal(err)
			}
			s := openTest(t, Config{Path: path, Logger: quiet})
			mustAppend(t, s, "s", eventstore.Any(), events(1)...)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			appID, version, journal := header(t, path)
			if appID != applicationID || version != len(migrations) || journal != "wal" {
				t.Fatalf("header: application_id %#x, user_version %d, journal %s; want %#x, %d, wal",
					appID, version, journal, applicationID, len(migrations))
			}
		})
	}
}

func TestMigrations(t *testing.T) {
	cfg := testConfig(t)
	s := openTest(t, cfg)
	mustAppend(t, s, "s", eventstore.NoStream(), events(2)...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("a failing step changes nothing", func(t *testing.T) {
		broken := append(slices.Clone(migrations), []string{
			`CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)`,
			`THIS IS NOT SQL`,
		})
		if s, err := open(t.Context(), cfg, broken); err == nil {
			_ = s.Close()
			t.Fatal("open with a broken step succeeded")
		}
		if _, version, _ := header(t, cfg.Path); version != 1 {
			t.Fatalf("user_version %d after a failed migration, want 1", version)
		}
		var n int
		if err := rawDB(t, cfg.Path).QueryRowContext(t.Context(),
			`SELECT count(*) FROM sqlite_schema WHERE name = 'checkpoints'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("checkpoints table left behind (%d, %v)", n, err)
		}
	})

	next := append(slices.Clone(migrations), []string{
		`CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)`,
	})
	t.Run("upgrade", func(t *testing.T) {
		s, err := open(t.Context(), cfg, next)
		if err != nil {
			t.Fatalf("open with a new step: %v", err)
		}
		defer s.Close()
		if res := mustAppend(t, s, "s", eventstore.Exact(1), events(1)...); res.Position != position(3) {
			t.Fatalf("append after upgrade at %s, want 3/3", res.Position)
		}
		if _, version, _ := header(t, cfg.Path); version != 2 {
			t.Fatalf("user_version %d after upgrade, want 2", version)
		}
	})
	t.Run("older code refuses the upgraded file", func(t *testing.T) {
		if s, err := Open(t.Context(), cfg); !errors.Is(err, eventstore.ErrIncompatibleStore) {
			if err == nil {
				_ = s.Close()
			}
			t.Fatalf("Open of a newer file = %v, want ErrIncompatibleStore", err)
		}
	})
}
