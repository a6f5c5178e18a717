// GET /orders: filters, a page size, and opaque cursors for keyset pagination.
package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
)

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
