package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

type orderIn struct {
	CustomerID int64    `json:"customer_id"`
	Items      []lineIn `json:"items"`
}

type lineIn struct {
	ProductID int64 `json:"product_id"`
	Quantity  int64 `json:"quantity"`
}

// decodeOrder reads the body: 400 if it is not JSON, 422 naming each field that is wrong.
// Unknown fields (such as unit_price_cents) are refused, not ignored.
func decodeOrder(r *http.Request) (orderIn, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err != nil {
		return orderIn{}, &Problem{Status: 413, Detail: "The request body is larger than 1 MB."}
	}
	if !json.Valid(raw) {
		return orderIn{}, &Problem{Status: 400, Detail: "The request body is not valid JSON."}
	}
	var in orderIn
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return in, invalid([]FieldError{{Field: typeErr.Field, Message: "must be " + typeErr.Type.String()}})
		}
		return in, invalid([]FieldError{{Field: "body", Message: err.Error()}})
	}
	var errs []FieldError
	if in.CustomerID < 1 {
		errs = append(errs, FieldError{"customer_id", "must be a positive integer"})
	}
	if len(in.Items) < 1 || len(in.Items) > 50 {
		errs = append(errs, FieldError{"items", "must be a list of 1 to 50 lines"})
	}
	for i, l := range in.Items {
		if l.ProductID < 1 {
			errs = append(errs, FieldError{fmt.Sprintf("items.%d.product_id", i), "must be a positive integer"})
		}
		if l.Quantity < 1 || l.Quantity > 100 {
			errs = append(errs, FieldError{fmt.Sprintf("items.%d.quantity", i), "must be an integer from 1 to 100"})
		}
	}
	if errs != nil {
		return in, invalid(errs)
	}
	return in, nil
}
