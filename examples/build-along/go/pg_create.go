// Creating an order in PostgreSQL, with its lines, its job and its idempotency record.
package main

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// CreateOrder prices the lines from the catalogue and writes the order, its lines, its
// confirmation job and (when a key was sent) the idempotency record in one transaction.
func (p PG) CreateOrder(ctx context.Context, idem Idempotency, customerID int64, lines []Line) (Order, error) {
	tx, err := p.DB.BeginTx(ctx, nil)
	if err != nil {
		return Order{}, err
	}
	defer tx.Rollback()
	if idem.Key != "" {
		// A concurrent request with the same key waits on this insert until the first commits.
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (client_id, key, request_hash)
			VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, idem.ClientID, idem.Key, idem.Hash)
		if err != nil {
			return Order{}, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var hash []byte
			var orderID int64
			err := tx.QueryRowContext(ctx, `SELECT request_hash, order_id FROM idempotency_keys
				WHERE client_id = $1 AND key = $2`, idem.ClientID, idem.Key).Scan(&hash, &orderID)
			if err != nil {
				return Order{}, err
			}
			if string(hash) != string(idem.Hash) {
				return Order{}, ErrKeyReused
			}
			order, _, err := p.getOrder(ctx, tx, orderID)
			return order, err
		}
	}
	prices := map[int64]int64{}
	for _, l := range lines {
		var price int64
		err := tx.QueryRowContext(ctx, `SELECT price_cents FROM products WHERE id = $1`, l.ProductID).Scan(&price)
		if err == nil {
			prices[l.ProductID] = price
		} else if !errors.Is(err, sql.ErrNoRows) {
			return Order{}, err
		}
	}
	items, total, err := priceLines(lines, prices)
	if err != nil {
		return Order{}, err
	}
	order := Order{CustomerID: customerID, Items: items, TotalCents: total}
	var created time.Time
	err = tx.QueryRowContext(ctx, `INSERT INTO orders (customer_id, total_cents) VALUES ($1, $2)
		RETURNING id, status, created_at`, customerID, total).Scan(&order.ID, &order.Status, &created)
	if err != nil {
		return Order{}, err
	}
	order.CreatedAt = timestamp(created)
	for n, it := range items {
		_, err := tx.ExecContext(ctx, `INSERT INTO order_items (order_id, line_no, product_id, quantity,
			unit_price_cents) VALUES ($1, $2, $3, $4, $5)`, order.ID, n, it.ProductID, it.Quantity, it.UnitPriceCents)
		if err != nil {
			return Order{}, err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO jobs (kind, payload) VALUES ('order_confirmation',
		jsonb_build_object('order_id', $1::bigint))`, order.ID); err != nil {
		return Order{}, err
	}
	if idem.Key != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET order_id = $1
			WHERE client_id = $2 AND key = $3`, order.ID, idem.ClientID, idem.Key); err != nil {
			return Order{}, err
		}
	}
	return order, tx.Commit()
}
