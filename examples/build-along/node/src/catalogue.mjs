// The server's price list, from the products table, kept in memory for a minute.
// ANCHOR: prices
const TTL_MS = 60_000;
const cache = new Map(); // product id -> { price, expires }

export async function pricesFor(db, ids) {
  const now = Date.now();
  const found = new Map();
  const missing = [];
  for (const id of new Set(ids)) {
    const hit = cache.get(id);
    if (hit && hit.expires > now) found.set(id, hit.price);
    else missing.push(id);
  }
  if (missing.length > 0) {
    const { rows } = await db.query("SELECT id, price_cents FROM products WHERE id = ANY($1)", [missing]);
    for (const row of rows) {
      cache.set(row.id, { price: row.price_cents, expires: now + TTL_MS });
      found.set(row.id, row.price_cents);
    }
  }
  return found;
}
// ANCHOR_END: prices

export const forgetPrices = () => cache.clear();
