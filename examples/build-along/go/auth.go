// API keys: a client sends "Authorization: Bearer <key>"; only a SHA-256 of each key is stored.
package main

import (
	"crypto/sha256"
	"net/http"
	"strings"
)

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
