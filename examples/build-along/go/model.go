package main

import (
	"context"
	"errors"
	"time"
)

// Line is one line of an order; UnitPriceCents always comes from the catalogue.
type Line struct {
	ProductID      int64 `json:"product_id"`
	Quantity       int64 `json:"quantity"`
	UnitPriceCents int64 `json:"unit_price_cents"`
}

type Order struct {
	ID         int64  `json:"id"`
	CustomerID int64  `json:"customer_id"`
	Status     string `json:"status"`
	Items      []Line `json:"items"`
	TotalCents int64  `json:"total_cents"`
	CreatedAt  string `json:"created_at"` // RFC 3339 in UTC, whole seconds
}

func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

type ListQuery struct {
	CustomerID int64 // 0: any
	Status     string
	Limit      int
	AfterID    int64 // 0: from the newest
}

// Idempotency is the caller's key, scoped to its client; Key "" means none was sent.
type Idempotency struct {
	ClientID int64
	Key      string
	Hash     []byte
}

var ErrKeyReused = errors.New("idempotency key reused with a different body")

// UnknownProductError names the order line whose product is not in the catalogue.
type UnknownProductError struct{ Index int }

func (e UnknownProductError) Error() string { return "product is not in the catalogue" }

// Store is what the HTTP layer needs from storage: PostgreSQL in production (postgres.go),
// memory in the tests (memory_test.go) so they run with the standard library alone.
type Store interface {
	CreateOrder(ctx context.Context, idem Idempotency, customerID int64, lines []Line) (Order, error)
	GetOrder(ctx context.Context, id int64) (Order, bool, error)
	ListOrders(ctx context.Context, q ListQuery) (orders []Order, nextAfter int64, err error)
	ClientByKeyHash(ctx context.Context, hash []byte) (clientID int64, ok bool, err error)
	Hit(ctx context.Context, clientID int64) (hits int, secondsLeft float64, err error)
}

func priceLines(lines []Line, prices map[int64]int64) ([]Line, int64, error) {
	priced := make([]Line, len(lines))
	var total int64
	for i, l := range lines {
		price, ok := prices[l.ProductID]
		if !ok {
			return nil, 0, UnknownProductError{Index: i}
		}
		priced[i] = Line{ProductID: l.ProductID, Quantity: l.Quantity, UnitPriceCents: price}
		total += l.Quantity * price
	}
	return priced, total, nil
}
