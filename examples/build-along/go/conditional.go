// Conditional GET: an ETag per representation, 304 when the client's copy is current.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

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
