// Orders in PostgreSQL. Every function takes the client (connection) it works on.
import { pricesFor } from "./catalogue.mjs";
import { enqueue } from "./jobs.mjs";

export class UnknownProduct extends Error {
  constructor(index, productId) {
    super(`product ${productId} is not in the catalogue`);
    this.index = index;
  }
}

// ANCHOR: create
// Call inside a transaction: the order, its lines and its confirmation job commit together.
export async function createOrder(db, customerId, lines) {
  const prices = await pricesFor(db, lines.map((l) => l.product_id));
  const items = lines.map((line, i) => {
    if (!prices.has(line.product_id)) throw new UnknownProduct(i, line.product_id);
    return { product_id: line.product_id, quantity: line.quantity, unit_price_cents: prices.get(line.product_id) };
  });
  const total = items.reduce((sum, i) => sum + i.quantity * i.unit_price_cents, 0);
  const { rows: [row] } = await db.query(
    "INSERT INTO orders (customer_id, total_cents) VALUES ($1, $2) RETURNING *", [customerId, total]);
  for (const [n, i] of items.entries()) {
    await db.query(
      "INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price_cents) VALUES ($1, $2, $3, $4, $5)",
      [row.id, n, i.product_id, i.quantity, i.unit_price_cents]);
  }
  await enqueue(db, "order_confirmation", { order_id: row.id });
  return toJson(row, items);
}
// ANCHOR_END: create

export async function getOrder(db, id) {
  const { rows: [row] } = await db.query("SELECT * FROM orders WHERE id = $1", [id]);
  return row ? toJson(row, (await itemsOf(db, [id])).get(id)) : null;
}

// ANCHOR: list
export async function listOrders(db, { customerId, status, limit, afterId }) {
  const { rows } = await db.query(
    `SELECT * FROM orders
      WHERE ($1::bigint IS NULL OR customer_id = $1) AND ($2::text IS NULL OR status = $2)
        AND ($3::bigint IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`, [customerId, status, afterId, limit + 1]);
  const page = rows.slice(0, limit);
  const items = await itemsOf(db, page.map((r) => r.id));
  const nextAfter = rows.length > limit ? page.at(-1).id : null;
  return { orders: page.map((r) => toJson(r, items.get(r.id))), nextAfter };
}
// ANCHOR_END: list

async function itemsOf(db, ids) {
  const found = new Map(ids.map((id) => [id, []]));
  const { rows } = await db.query(
    `SELECT order_id, product_id, quantity, unit_price_cents FROM order_items
      WHERE order_id = ANY($1) ORDER BY order_id, line_no`, [ids]);
  for (const { order_id, ...item } of rows) found.get(order_id).push(item);
  return found;
}

const toJson = (row, items) => ({
  id: row.id,
  customer_id: row.customer_id,
  status: row.status,
  items,
  total_cents: row.total_cents,
  created_at: row.created_at.toISOString().replace(/\.\d{3}Z$/, "Z"),
});
