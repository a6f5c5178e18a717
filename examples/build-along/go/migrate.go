// Migrations: numbered SQL files applied in order, each once.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Migrate applies migrations/NNN_name.sql in order, each once, all in one transaction.
func Migrate(ctx context.Context, db *sql.DB, dir string) ([]string, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7201)`); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.sql"))
	sort.Strings(files)
	var applied []string
	for _, path := range files {
		name := filepath.Base(path)
		var done bool
		err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`, name).Scan(&done)
		if err != nil || done {
			if err != nil {
				return nil, err
			}
			continue
		}
		script, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, string(script)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
			return nil, err
		}
		applied = append(applied, name)
	}
	return applied, tx.Commit()
}
