package main

import (
	"context"
	"database/sql"
	"fmt"
)

const maxAttempts = 5

// RunOne runs the oldest due job; false when there is none. Safe with many workers: SKIP
// LOCKED hands each worker a different row.
func RunOne(ctx context.Context, db *sql.DB) (bool, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var id, orderID int64
	var attempts int
	err = tx.QueryRowContext(ctx, `SELECT id, (payload->>'order_id')::bigint, attempts FROM jobs
		WHERE done_at IS NULL AND run_at <= now() AND attempts < $1 AND kind = 'order_confirmation'
		ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`, maxAttempts).Scan(&id, &orderID, &attempts)
	if err == sql.ErrNoRows {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT job`); err != nil {
		return false, err
	}
	if herr := sendConfirmation(ctx, tx, orderID); herr != nil {
		// Undo the handler's writes but keep the row lock, then retry later with a growing delay.
		_, err = tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT job`)
		if err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE jobs SET attempts = attempts + 1, last_error = $1,
				run_at = now() + make_interval(secs => $2) WHERE id = $3`, herr.Error(), 10<<attempts, id)
		}
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE jobs SET attempts = attempts + 1, done_at = now() WHERE id = $1`, id)
	}
	if err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// sendConfirmation is safe to repeat: a worker may die after sending, before marking it done.
func sendConfirmation(ctx context.Context, tx *sql.Tx, orderID int64) error {
	var total int64
	if err := tx.QueryRowContext(ctx, `SELECT total_cents FROM orders WHERE id = $1`, orderID).Scan(&total); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (order_id, kind, body)
		VALUES ($1, 'order_confirmation', $2) ON CONFLICT DO NOTHING`,
		orderID, fmt.Sprintf("Order %d received: %d cents.", orderID, total))
	return err
}
