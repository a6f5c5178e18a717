package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// PG is the Store on PostgreSQL, through database/sql. The driver is registered in
// driver_pgx.go (build tag pgx), the one file that needs a module from outside the
// standard library.
type PG struct{ DB *sql.DB }

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (p PG) GetOrder(ctx context.Context, id int64) (Order, bool, error) {
	return p.getOrder(ctx, p.DB, id)
}

func (p PG) getOrder(ctx context.Context, q querier, id int64) (Order, bool, error) {
	orders, err := p.query(ctx, q, `SELECT id, customer_id, status, total_cents, created_at FROM orders WHERE id = $1`, id)
	if err != nil || len(orders) == 0 {
		return Order{}, false, err
	}
	return orders[0], true, nil
}

func (p PG) ListOrders(ctx context.Context, lq ListQuery) ([]Order, int64, error) {
	orders, err := p.query(ctx, p.DB, `SELECT id, customer_id, status, total_cents, created_at FROM orders
		WHERE ($1 = 0 OR customer_id = $1) AND ($2 = '' OR status = $2) AND ($3 = 0 OR id < $3)
		ORDER BY id DESC LIMIT $4`, lq.CustomerID, lq.Status, lq.AfterID, lq.Limit+1)
	if err != nil || len(orders) <= lq.Limit {
		return orders, 0, err
	}
	return orders[:lq.Limit], orders[lq.Limit-1].ID, nil
}

// query reads orders, then all their lines in one more query (not one per order).
func (p PG) query(ctx context.Context, q querier, sqlText string, args ...any) ([]Order, error) {
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var orders []Order
	index := map[int64]int{}
	var ids []string
	for rows.Next() {
		var o Order
		var created time.Time
		if err := rows.Scan(&o.ID, &o.CustomerID, &o.Status, &o.TotalCents, &created); err != nil {
			return nil, err
		}
		o.CreatedAt, o.Items = timestamp(created), []Line{}
		index[o.ID] = len(orders)
		orders = append(orders, o)
		ids = append(ids, fmt.Sprint(o.ID))
	}
	if err := rows.Err(); err != nil || len(orders) == 0 {
		return orders, err
	}
	lines, err := q.QueryContext(ctx, `SELECT order_id, product_id, quantity, unit_price_cents FROM order_items
		WHERE order_id = ANY(string_to_array($1, ',')::bigint[]) ORDER BY order_id, line_no`, strings.Join(ids, ","))
	if err != nil {
		return nil, err
	}
	defer lines.Close()
	for lines.Next() {
		var orderID int64
		var l Line
		if err := lines.Scan(&orderID, &l.ProductID, &l.Quantity, &l.UnitPriceCents); err != nil {
			return nil, err
		}
		o := &orders[index[orderID]]
		o.Items = append(o.Items, l)
	}
	return orders, lines.Err()
}

func (p PG) ClientByKeyHash(ctx context.Context, hash []byte) (int64, bool, error) {
	var id int64
	err := p.DB.QueryRowContext(ctx, `SELECT id FROM api_clients WHERE key_hash = $1 AND revoked_at IS NULL`, hash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

func (p PG) Hit(ctx context.Context, clientID int64) (int, float64, error) {
	var hits int
	var left float64
	err := p.DB.QueryRowContext(ctx, `INSERT INTO rate_limits (client_id, window_start, hits)
		VALUES ($1, date_bin('1 minute', now(), 'epoch'), 1)
		ON CONFLICT (client_id, window_start) DO UPDATE SET hits = rate_limits.hits + 1
		RETURNING hits, extract(epoch FROM window_start + interval '1 minute' - now())::float8`,
		clientID).Scan(&hits, &left)
	return hits, left, err
}
