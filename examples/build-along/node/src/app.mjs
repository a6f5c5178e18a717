// The orders service's HTTP layer: routing, parsing, and the handlers of each route.
import { currentClient } from "./auth.mjs";
import { decodeCursor, encodeCursor } from "./cursor.mjs";
import { tx } from "./db.mjs";
import { etagOf, notModified } from "./httpCache.mjs";
import { createOnce, KeyReused } from "./idempotency.mjs";
import { log, observe, registry } from "./observability.mjs";
import { HttpError, sendProblem } from "./problems.mjs";
import { checkLimit } from "./ratelimit.mjs";
import { createOrder, getOrder, listOrders, UnknownProduct } from "./store.mjs";
import { orderErrors } from "./validate.mjs";


function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { ...headers, "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

const invalid = (errors) => new HttpError(422, "The request has invalid fields.", { errors });

async function readJson(req, maxBytes = 1_000_000) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, "The request body is larger than 1 MB.");
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "The request body is not valid JSON.");
  }
}

// The authenticated client, if it is within its rate limit.
async function caller({ req, pool }) {
  const clientId = await currentClient(req, pool);
  await checkLimit(pool, clientId);
  return clientId;
}

// ANCHOR: create
async function postOrder(ctx) {
  const { req, res, pool } = ctx;
  const clientId = await caller(ctx);
  const body = await readJson(req);
  const errors = orderErrors(body);
  const key = req.headers["idempotency-key"];
  if (key !== undefined && (key.length < 1 || key.length > 255)) {
    errors.push({ field: "Idempotency-Key", message: "must be 1 to 255 characters" });
  }
  if (errors.length > 0) throw invalid(errors);
  const create = (db) => createOrder(db, body.customer_id, body.items);
  let order;
  try {
    order = key === undefined ? await tx(pool, create) : await createOnce(pool, clientId, key, body, create);
  } catch (err) {
    if (err instanceof UnknownProduct) throw invalid([{ field: `items.${err.index}.product_id`, message: err.message }]);
    if (err instanceof KeyReused) throw new HttpError(409, "This Idempotency-Key was already used with a different body.");
    throw err;
  }
  sendJson(res, 201, order, { Location: `/orders/${order.id}` });
}
// ANCHOR_END: create

// ANCHOR: get
async function getOne(ctx) {
  const { req, res, pool, params: [rawId] } = ctx;
  await caller(ctx);
  if (!/^[0-9]{1,15}$/.test(rawId)) throw invalid([{ field: "order_id", message: "must be an integer" }]);
  const order = await getOrder(pool, Number(rawId));
  if (!order) throw new HttpError(404, `Order ${rawId} does not exist.`);
  const etag = etagOf(order);
  const headers = { ETag: etag, "Cache-Control": "private, no-cache" };
  if (notModified(req.headers["if-none-match"], etag)) {
    res.writeHead(304, headers);
    return res.end();
  }
  sendJson(res, 200, order, headers);
}
// ANCHOR_END: get

// ANCHOR: list
const STATUSES = ["pending", "paid", "shipped", "cancelled"];

async function list(ctx) {
  const { res, url, pool } = ctx;
  await caller(ctx);
  const q = url.searchParams;
  const errors = [];
  const int = (name, min, max, fallback) => {
    if (!q.has(name)) return fallback;
    const n = Number(q.get(name));
    if (/^[0-9]+$/.test(q.get(name)) && n >= min && n <= max) return n;
    errors.push({ field: name, message: `must be an integer from ${min} to ${max}` });
  };
  const customerId = int("customer_id", 1, Number.MAX_SAFE_INTEGER, null);
  const limit = int("limit", 1, 100, 20);
  const status = q.get("status");
  if (status !== null && !STATUSES.includes(status)) errors.push({ field: "status", message: `must be one of ${STATUSES.join(", ")}` });
  let afterId = null;
  if (errors.length === 0 && q.has("cursor")) {
    try {
      afterId = decodeCursor(q.get("cursor"));
    } catch (err) {
      errors.push({ field: "cursor", message: err.message });
    }
  }
  if (errors.length > 0) throw invalid(errors);
  const { orders, nextAfter } = await listOrders(pool, { customerId, status, limit, afterId });
  sendJson(res, 200, { items: orders, next_cursor: nextAfter === null ? null : encodeCursor(nextAfter) });
}
// ANCHOR_END: list

async function metrics({ res }) {
  res.writeHead(200, { "Content-Type": registry.contentType });
  res.end(await registry.metrics());
}

// ANCHOR: routes
const ROUTES = [
  { template: "/health", pattern: /^\/health$/, methods: { GET: ({ res }) => sendJson(res, 200, { status: "ok" }) } },
  { template: "/orders", pattern: /^\/orders$/, methods: { GET: list, POST: postOrder } },
  { template: "/orders/{order_id}", pattern: /^\/orders\/([^/]+)$/, methods: { GET: getOne } },
  { template: "/metrics", pattern: /^\/metrics$/, methods: { GET: metrics } },
];

export function createApp(pool) {
  return async (req, res) => {
    observe(req, res);
    try {
      const url = new URL(req.url, "http://localhost");
      const route = ROUTES.find((r) => r.pattern.test(url.pathname));
      if (!route) throw new HttpError(404, `There is nothing at ${url.pathname}.`);
      req.route = route.template;
      const handler = route.methods[req.method];
      if (!handler) {
        throw new HttpError(405, `${req.method} is not allowed here.`, { headers: { Allow: Object.keys(route.methods).join(", ") } });
      }
      await handler({ req, res, url, pool, params: url.pathname.match(route.pattern).slice(1) });
    } catch (err) {
      if (!(err instanceof HttpError)) log("error", "unhandled error", { error: err.stack });
      sendProblem(req, res, err instanceof HttpError ? err : new HttpError(500, "Something went wrong on our side."));
    }
  };
}
// ANCHOR_END: routes
