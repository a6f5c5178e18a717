// Command orders is the orders service: `orders serve`, `orders worker` or `orders migrate`.
// Build it with `go build -tags pgx` after `go get github.com/jackc/pgx/v5`; see driver_pgx.go.
package main

import (
	"context"
	"database/sql"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	cmd := "serve"
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	switch cmd {
	case "migrate":
		applied, err := Migrate(ctx, db, "migrations")
		if err != nil {
			log.Fatal(err)
		}
		for _, name := range applied {
			log.Println("applied", name)
		}
	case "worker":
		for ctx.Err() == nil { // finish the current job, then leave
			ran, err := RunOne(ctx, db)
			if err != nil {
				log.Print(err)
			}
			if !ran || err != nil {
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}
	default:
		serve(ctx, db)
	}
}

func serve(ctx context.Context, db *sql.DB) {
	limit, err := strconv.Atoi(os.Getenv("RATE_LIMIT_PER_MINUTE"))
	if err != nil {
		limit = 120
	}
	app := &App{Store: PG{DB: db}, RateLimit: limit, Metrics: NewMetrics()}
	srv := &http.Server{Addr: ":8000", Handler: app, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdown) // finish requests in flight
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
