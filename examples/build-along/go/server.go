package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
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

// ANCHOR: routes
// Go 1.22's ServeMux matches "GET /orders/{id}" itself; this table does the same on Go 1.19,
// and answers a known path with a wrong method with 405 and an Allow header.
func (a *App) routes() []route {
	return []route{
		{"/health", regexp.MustCompile(`^/health$`), map[string]handler{"GET": a.health}},
		{"/orders", regexp.MustCompile(`^/orders$`), map[string]handler{"GET": a.list, "POST": a.create}},
		{"/orders/{order_id}", regexp.MustCompile(`^/orders/([^/]+)$`), map[string]handler{"GET": a.get}},
		{"/metrics", regexp.MustCompile(`^/metrics$`), map[string]handler{"GET": a.Metrics.serve}},
	}
}

func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.observe(w, r, func(w http.ResponseWriter) string {
		for _, rt := range a.routes() {
			m := rt.pattern.FindStringSubmatch(r.URL.Path)
			if m == nil {
				continue
			}
			h, ok := rt.methods[r.Method]
			if !ok {
				allow := make([]string, 0, len(rt.methods))
				for method := range rt.methods {
					allow = append(allow, method)
				}
				sort.Strings(allow)
				a.fail(w, r, &Problem{Status: 405, Detail: r.Method + " is not allowed here.",
					Headers: map[string]string{"Allow": strings.Join(allow, ", ")}})
				return rt.template
			}
			if err := h(w, r, m[len(m)-1]); err != nil {
				a.fail(w, r, err)
			}
			return rt.template
		}
		a.fail(w, r, &Problem{Status: 404, Detail: "There is nothing at " + r.URL.Path + "."})
		return "unmatched"
	})
}

// ANCHOR_END: routes

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

// ANCHOR: auth
// caller authenticates the request by its API key, then charges it to the client's rate limit.
func (a *App) caller(r *http.Request) (int64, error) {
	challenge := `Bearer realm="orders"`
	scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
		return 0, &Problem{Status: 401, Detail: "Send an API key as 'Authorization: Bearer <key>'.",
			Headers: map[string]string{"WWW-Authenticate": challenge}}
	}
	hash := sha256.Sum256([]byte(strings.TrimSpace(key)))
	clientID, ok, err := a.Store.ClientByKeyHash(r.Context(), hash[:])
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, &Problem{Status: 401, Detail: "The API key is unknown or revoked.",
			Headers: map[string]string{"WWW-Authenticate": challenge + `, error="invalid_token"`}}
	}
	return clientID, a.checkLimit(r.Context(), clientID)
}

// ANCHOR_END: auth

// ANCHOR: limit
func (a *App) checkLimit(ctx context.Context, clientID int64) error {
	hits, left, err := a.Store.Hit(ctx, clientID)
	if err != nil { // fail open: a broken counter must not take the API down with it
		log.Printf(`{"level":"warn","message":"rate limiter unavailable, request allowed","error":%q}`, err.Error())
		return nil
	}
	if hits > a.RateLimit {
		return &Problem{Status: 429, Detail: fmt.Sprintf("More than %d requests this minute; retry later.", a.RateLimit),
			Headers: map[string]string{"Retry-After": strconv.Itoa(int(math.Max(1, math.Ceil(left))))}}
	}
	return nil
}

// ANCHOR_END: limit

// ANCHOR: create
func (a *App) create(w http.ResponseWriter, r *http.Request, _ string) error {
	clientID, err := a.caller(r)
	if err != nil {
		return err
	}
	in, err := decodeOrder(r)
	if err != nil {
		return err
	}
	idem := Idempotency{ClientID: clientID, Key: r.Header.Get("Idempotency-Key")}
	if len(idem.Key) > 255 {
		return invalid([]FieldError{{"Idempotency-Key", "must be at most 255 characters"}})
	}
	canonical, _ := json.Marshal(in) // struct fields marshal in a fixed order
	sum := sha256.Sum256(canonical)
	idem.Hash = sum[:]
	lines := make([]Line, len(in.Items))
	for i, l := range in.Items {
		lines[i] = Line{ProductID: l.ProductID, Quantity: l.Quantity}
	}
	order, err := a.Store.CreateOrder(r.Context(), idem, in.CustomerID, lines)
	var unknown UnknownProductError
	switch {
	case errors.As(err, &unknown):
		return invalid([]FieldError{{fmt.Sprintf("items.%d.product_id", unknown.Index), unknown.Error()}})
	case errors.Is(err, ErrKeyReused):
		return &Problem{Status: 409, Detail: "This Idempotency-Key was already used with a different body."}
	case err != nil:
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/orders/%d", order.ID))
	writeJSON(w, 201, order)
	return nil
}

// ANCHOR_END: create

// ANCHOR: get
func (a *App) get(w http.ResponseWriter, r *http.Request, rawID string) error {
	if _, err := a.caller(r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil || id < 1 {
		return invalid([]FieldError{{"order_id", "must be a positive integer"}})
	}
	order, ok, err := a.Store.GetOrder(r.Context(), id)
	if err != nil {
		return err
	}
	if !ok {
		return &Problem{Status: 404, Detail: fmt.Sprintf("Order %d does not exist.", id)}
	}
	body, _ := json.Marshal(order)
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, no-cache")
	if notModified(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, 200, order)
	return nil
}

func notModified(ifNoneMatch, etag string) bool {
	if strings.TrimSpace(ifNoneMatch) == "*" {
		return true
	}
	for _, tag := range strings.Split(ifNoneMatch, ",") {
		if strings.TrimPrefix(strings.TrimSpace(tag), "W/") == etag {
			return true
		}
	}
	return false
}

// ANCHOR_END: get

// ANCHOR: list
var statuses = map[string]bool{"pending": true, "paid": true, "shipped": true, "cancelled": true}

func (a *App) list(w http.ResponseWriter, r *http.Request, _ string) error {
	if _, err := a.caller(r); err != nil {
		return err
	}
	q := r.URL.Query()
	query := ListQuery{Limit: 20, Status: q.Get("status")}
	var errs []FieldError
	intParam := func(name string, min, max int64, dst *int64) {
		if raw := q.Get(name); raw != "" {
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || n < min || n > max {
				errs = append(errs, FieldError{name, fmt.Sprintf("must be an integer from %d to %d", min, max)})
			}
			*dst = n
		}
	}
	limit := int64(query.Limit)
	intParam("customer_id", 1, math.MaxInt64, &query.CustomerID)
	intParam("limit", 1, 100, &limit)
	query.Limit = int(limit)
	if query.Status != "" && !statuses[query.Status] {
		errs = append(errs, FieldError{"status", "must be pending, paid, shipped or cancelled"})
	}
	if c := q.Get("cursor"); c != "" && errs == nil {
		after, err := decodeCursor(c)
		if err != nil {
			errs = append(errs, FieldError{"cursor", "not a cursor from this API"})
		}
		query.AfterID = after
	}
	if errs != nil {
		return invalid(errs)
	}
	orders, nextAfter, err := a.Store.ListOrders(r.Context(), query)
	if err != nil {
		return err
	}
	var next *string
	if nextAfter != 0 {
		c := encodeCursor(nextAfter)
		next = &c
	}
	if orders == nil {
		orders = []Order{}
	}
	writeJSON(w, 200, map[string]any{"items": orders, "next_cursor": next})
	return nil
}

// Opaque cursors: clients pass them back and never build their own.
func encodeCursor(afterID int64) string {
	raw, _ := json.Marshal(map[string]int64{"after": afterID})
	return base64.RawURLEncoding.EncodeToString(raw)
}

func decodeCursor(cursor string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, err
	}
	var c struct{ After int64 }
	if err := json.Unmarshal(raw, &c); err != nil || c.After < 1 {
		return 0, errors.New("not a cursor")
	}
	return c.After, nil
}

// ANCHOR_END: list
