package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// PG is the Store on PostgreSQL, through database/sql. The driver is registered in
// driver_pgx.go (build tag pgx), the one file that needs a module from outside the
// standard library.
type PG struct{ DB *sql.DB }

// ANCHOR: migrate
// Migrate applies migrations/NNN_name.sql in order, each once, all in one transaction.
func Migrate(ctx context.Context, db *sql.DB, dir string) ([]string, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7201)`); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.sql"))
	sort.Strings(files)
	var applied []string
	for _, path := range files {
		name := filepath.Base(path)
		var done bool
		err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`, name).Scan(&done)
		if err != nil || done {
			if err != nil {
				return nil, err
			}
			continue
		}
		script, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, string(script)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
			return nil, err
		}
		applied = append(applied, name)
	}
	return applied, tx.Commit()
}

// ANCHOR_END: migrate

// ANCHOR: create
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

// ANCHOR_END: create

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

// ANCHOR: list
func (p PG) ListOrders(ctx context.Context, lq ListQuery) ([]Order, int64, error) {
	orders, err := p.query(ctx, p.DB, `SELECT id, customer_id, status, total_cents, created_at FROM orders
		WHERE ($1 = 0 OR customer_id = $1) AND ($2 = '' OR status = $2) AND ($3 = 0 OR id < $3)
		ORDER BY id DESC LIMIT $4`, lq.CustomerID, lq.Status, lq.AfterID, lq.Limit+1)
	if err != nil || len(orders) <= lq.Limit {
		return orders, 0, err
	}
	return orders[:lq.Limit], orders[lq.Limit-1].ID, nil
}

// ANCHOR_END: list

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
