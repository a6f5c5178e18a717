package main

import (
	"encoding/json"
	"net/http"
)

// FieldError is one entry of a 422 problem's "errors" list.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Problem is an RFC 9457 problem; handlers return it as an error.
type Problem struct {
	Status  int
	Detail  string
	Errors  []FieldError
	Headers map[string]string
}

func (p *Problem) Error() string { return p.Detail }

func invalid(errs []FieldError) *Problem {
	return &Problem{Status: 422, Detail: "The request has invalid fields.", Errors: errs}
}

func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	body := map[string]any{
		"type": "about:blank", "title": http.StatusText(p.Status), "status": p.Status,
		"detail": p.Detail, "instance": r.URL.Path,
	}
	if p.Errors != nil {
		body["errors"] = p.Errors
	}
	for k, v := range p.Headers {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(body)
}
