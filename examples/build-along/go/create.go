// POST /orders: authenticate, validate, then create once per Idempotency-Key.
package main

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

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
