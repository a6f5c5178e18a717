package main

import (
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"regexp"
)

// App is the HTTP layer; its only dependency is a Store.
type App struct {
	Store     Store
	RateLimit int // requests per client per minute
	Metrics   *Metrics
}

type handler func(w http.ResponseWriter, r *http.Request, id string) error

type route struct {
	template string
	pattern  *regexp.Regexp
	methods  map[string]handler
}

func (a *App) fail(w http.ResponseWriter, r *http.Request, err error) {
	var p *Problem
	if !errors.As(err, &p) {
		log.Printf(`{"level":"error","message":"unhandled error","error":%q}`, err.Error())
		p = &Problem{Status: 500, Detail: "Something went wrong on our side."}
	}
	writeProblem(w, r, p)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

func (a *App) health(w http.ResponseWriter, r *http.Request, _ string) error {
	writeJSON(w, 200, map[string]string{"status": "ok"})
	return nil
}
