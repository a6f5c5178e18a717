// Idempotency-Key for POST /orders, scoped to the calling client.
import { createHash } from "node:crypto";
import { tx } from "./db.mjs";
import { getOrder } from "./store.mjs";

export class KeyReused extends Error {}

// Key order does not change the hash: {"a":1,"b":2} and {"b":2,"a":1} are one request.
const canonical = (v) => Array.isArray(v) ? v.map(canonical)
  : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])])) : v;

// ANCHOR: create_once
export async function createOnce(pool, clientId, key, body, create) {
  const digest = createHash("sha256").update(JSON.stringify(canonical(body))).digest();
  const outcome = await tx(pool, async (db) => {
    // A concurrent request with the same key waits on this insert until the first commits.
    const { rowCount } = await db.query(
      `INSERT INTO idempotency_keys (client_id, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`, [clientId, key, digest]);
    if (rowCount === 1) {
      const order = await create(db);
      await db.query("UPDATE idempotency_keys SET order_id = $1 WHERE client_id = $2 AND key = $3",
        [order.id, clientId, key]);
      return { order };
    }
    const { rows: [seen] } = await db.query(
      "SELECT request_hash, order_id FROM idempotency_keys WHERE client_id = $1 AND key = $2", [clientId, key]);
    return { seen };
  });
  if (outcome.order) return outcome.order;
  if (!outcome.seen.request_hash.equals(digest)) throw new KeyReused();
  return getOrder(pool, outcome.seen.order_id);
}
// ANCHOR_END: create_once
