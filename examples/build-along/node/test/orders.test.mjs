// The finished service, tested through real HTTP on port 0 against the PostgreSQL in DATABASE_URL.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, beforeEach, test } from "node:test";
import { createApp } from "../src/app.mjs";
import { createClient } from "../src/auth.mjs";
import { forgetPrices } from "../src/catalogue.mjs";
import { makePool } from "../src/db.mjs";
import { runOne } from "../src/jobs.mjs";
import { migrate } from "../src/migrate.mjs";
import { settings } from "../src/ratelimit.mjs";

process.env.LOG_REQUESTS = "0";
const ORDER = { customer_id: 42, items: [{ product_id: 7, quantity: 2 }] };
let pool, server, base, key;

before(async () => {
  pool = makePool();
  await migrate(pool);
  server = createServer(createApp(pool)).listen(0);
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  server.close();
  await pool.end();
});
beforeEach(async () => {
  await pool.query(`TRUNCATE orders, order_items, api_clients, idempotency_keys, jobs, notifications,
    rate_limits RESTART IDENTITY CASCADE`);
  forgetPrices();
  settings.limit = 120;
  ({ key } = await createClient(pool, "tests"));
});

const call = (path, { method = "GET", body, headers = {}, auth = true } = {}) => fetch(base + path, {
  method,
  body: typeof body === "string" ? body : body && JSON.stringify(body),
  headers: { "Content-Type": "application/json", ...(auth ? { Authorization: `Bearer ${key}` } : {}), ...headers },
});

async function problem(response, status) {
  assert.equal(response.status, status);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  const body = await response.json();
  assert.equal(body.status, status);
  return body;
}

test("step 1: health answers without a key", async () => {
  assert.deepEqual(await (await call("/health", { auth: false })).json(), { status: "ok" });
});

test("steps 2 and 4: create, then read back from PostgreSQL", async () => {
  const created = await call("/orders", { method: "POST", body: ORDER });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get("location"), "/orders/1001");
  const order = await created.json();
  assert.deepEqual(order.items, [{ product_id: 7, quantity: 2, unit_price_cents: 1250 }]);
  assert.equal(order.total_cents, 2500);
  assert.match(order.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(await (await call("/orders/1001")).json(), order);
});

test("step 3: validation, malformed JSON, unknown product, 404 and 405", async () => {
  const cheap = { customer_id: 42, items: [{ product_id: 7, quantity: 1, unit_price_cents: 1 }] };
  let body = await problem(await call("/orders", { method: "POST", body: cheap }), 422);
  assert.deepEqual(body.errors.map((e) => e.field), ["items.0.unit_price_cents"]);
  body = await problem(await call("/orders", { method: "POST", body: { customer_id: "42", items: [{ product_id: 7, quantity: 0 }] } }), 422);
  assert.deepEqual(body.errors.map((e) => e.field), ["customer_id", "items.0.quantity"]);
  body = await problem(await call("/orders", { method: "POST", body: { customer_id: 1, items: [{ product_id: 404, quantity: 1 }] } }), 422);
  assert.deepEqual(body.errors.map((e) => e.field), ["items.0.product_id"]);
  await problem(await call("/orders", { method: "POST", body: '{"customer_id": 4' }), 400);
  await problem(await call("/orders/999999"), 404);
  const wrong = await call("/orders/1001", { method: "DELETE" });
  await problem(wrong, 405);
  assert.equal(wrong.headers.get("allow"), "GET");
});

test("step 5: cursor pages walk every order once, newest first", async () => {
  for (let i = 0; i < 5; i++) await call("/orders", { method: "POST", body: ORDER });
  const seen = [];
  let path = "/orders?customer_id=42&limit=2";
  while (path) {
    const page = await (await call(path)).json();
    seen.push(...page.items.map((o) => o.id));
    path = page.next_cursor && `/orders?customer_id=42&limit=2&cursor=${page.next_cursor}`;
  }
  assert.deepEqual(seen, [1005, 1004, 1003, 1002, 1001]);
  const body = await problem(await call("/orders?limit=0&status=lost"), 422);
  assert.deepEqual(body.errors.map((e) => e.field).sort(), ["limit", "status"]);
});

test("step 6: a missing or wrong key is 401 with a challenge", async () => {
  for (const headers of [{}, { Authorization: "Bearer nope" }, { Authorization: "Basic eDp5" }]) {
    const response = await call("/orders", { auth: false, headers });
    await problem(response, 401);
    assert.match(response.headers.get("www-authenticate"), /^Bearer realm="orders"/);
  }
});

test("step 7: a retried POST returns the first order; another body is 409", async () => {
  const post = (body, k) => call("/orders", { method: "POST", body, headers: { "Idempotency-Key": k } });
  const results = await Promise.all([1, 2, 3, 4].map(() => post(ORDER, "k-1")));
  assert.deepEqual(results.map((r) => r.status), [201, 201, 201, 201]);
  const ids = new Set(await Promise.all(results.map(async (r) => (await r.json()).id)));
  assert.equal(ids.size, 1);
  await problem(await post({ ...ORDER, customer_id: 43 }, "k-1"), 409);
  const other = await createClient(pool, "other");
  const theirs = await call("/orders", { method: "POST", body: ORDER, headers: { "Idempotency-Key": "k-1", Authorization: `Bearer ${other.key}` } });
  assert.equal(theirs.status, 201);
});

test("step 8: ETag and 304; prices cached until forgotten", async () => {
  await call("/orders", { method: "POST", body: ORDER });
  const etag = (await call("/orders/1001")).headers.get("etag");
  assert.equal((await call("/orders/1001", { headers: { "If-None-Match": etag } })).status, 304);
  await pool.query("UPDATE orders SET status = 'paid'");
  assert.equal((await call("/orders/1001", { headers: { "If-None-Match": etag } })).status, 200);
  await pool.query("UPDATE products SET price_cents = 1300 WHERE id = 7");
  try {
    assert.equal((await (await call("/orders", { method: "POST", body: ORDER })).json()).total_cents, 2500);
    forgetPrices();
    assert.equal((await (await call("/orders", { method: "POST", body: ORDER })).json()).total_cents, 2600);
  } finally {
    await pool.query("UPDATE products SET price_cents = 1250 WHERE id = 7");
  }
});

test("step 9: the order's confirmation job runs once", async () => {
  await call("/orders", { method: "POST", body: ORDER });
  const db = await pool.connect();
  try {
    assert.equal(await runOne(db), true);
    assert.equal(await runOne(db), false);
  } finally {
    db.release();
  }
  const { rows } = await pool.query("SELECT body FROM notifications");
  assert.deepEqual(rows, [{ body: "Order 1001 received: 2500 cents." }]);
});

test("step 10: the request over the limit is 429 with Retry-After", async () => {
  settings.limit = 2;
  assert.equal((await call("/orders")).status, 200);
  assert.equal((await call("/orders")).status, 200);
  const refused = await call("/orders");
  await problem(refused, 429);
  assert.ok(Number(refused.headers.get("retry-after")) >= 1);
});

test("step 11: request ids and metrics by route template", async () => {
  assert.equal((await call("/health", { headers: { "X-Request-ID": "abc-1" } })).headers.get("x-request-id"), "abc-1");
  await call("/orders/1001");
  const text = await (await call("/metrics")).text();
  assert.match(text, /http_requests_total\{method="GET",route="\/orders\/\{order_id\}",status="404"\} \d/);
});
