// A small job queue on PostgreSQL: enqueue inside a transaction, run with SKIP LOCKED.
export const MAX_ATTEMPTS = 5;
export const handlers = new Map();

export async function enqueue(db, kind, payload) {
  await db.query("INSERT INTO jobs (kind, payload) VALUES ($1, $2)", [kind, payload]);
}

// ANCHOR: run_one
// Runs the oldest due job on a dedicated client; false when there is none.
export async function runOne(db) {
  await db.query("BEGIN");
  try {
    const { rows: [job] } = await db.query(
      `SELECT id, kind, payload, attempts FROM jobs
        WHERE done_at IS NULL AND run_at <= now() AND attempts < $1
        ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`, [MAX_ATTEMPTS]);
    if (!job) {
      await db.query("COMMIT");
      return false;
    }
    await db.query("SAVEPOINT job");
    try {
      await handlers.get(job.kind)(db, job.payload);
      await db.query("UPDATE jobs SET attempts = attempts + 1, done_at = now() WHERE id = $1", [job.id]);
    } catch (err) {
      await db.query("ROLLBACK TO SAVEPOINT job"); // undo the handler's writes, keep the lock
      await db.query(
        `UPDATE jobs SET attempts = attempts + 1, last_error = $1,
           run_at = now() + make_interval(secs => $2) WHERE id = $3`,
        [String(err), 10 * 2 ** job.attempts, job.id]);
    }
    await db.query("COMMIT");
    return true;
  } catch (err) {
    await db.query("ROLLBACK");
    throw err;
  }
}
// ANCHOR_END: run_one

handlers.set("order_confirmation", async (db, { order_id }) => {
  const { rows: [o] } = await db.query("SELECT id, total_cents FROM orders WHERE id = $1", [order_id]);
  // Safe to repeat: a worker may die after sending but before marking the job done.
  await db.query(
    `INSERT INTO notifications (order_id, kind, body) VALUES ($1, 'order_confirmation', $2)
     ON CONFLICT DO NOTHING`, [o.id, `Order ${o.id} received: ${o.total_cents} cents.`]);
});
