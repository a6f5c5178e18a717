// A per-client limit on requests per minute, counted by the Store so all instances share it.
package main

import (
	"context"
	"fmt"
	"log"
	"math"
	"strconv"
)

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
