//go:build pgx

package main

// The PostgreSQL driver, registered under the name "pgx" for database/sql. It is the only
// code from outside the standard library; the tests do not need it, so they run without it.
import _ "github.com/jackc/pgx/v5/stdlib"
