// One JSON log line and two metrics per request, tied together by a request id.
import { randomUUID } from "node:crypto";
import client from "prom-client";

export const registry = new client.Registry();
const requests = new client.Counter({
  name: "http_requests_total", help: "Requests handled", labelNames: ["method", "route", "status"], registers: [registry],
});
const latency = new client.Histogram({
  name: "http_request_duration_seconds", help: "Time to answer", labelNames: ["method", "route"], registers: [registry],
});

export function log(level, message, fields = {}) {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }) + "\n");
}

// ANCHOR: observe
const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

// Wraps a request: sets X-Request-ID, then counts, times and logs it once it is answered.
export function observe(req, res) {
  const incoming = req.headers["x-request-id"] ?? "";
  const requestId = SAFE_ID.test(incoming) ? incoming : randomUUID().replaceAll("-", "");
  res.setHeader("X-Request-ID", requestId);
  const started = process.hrtime.bigint();
  res.on("finish", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = req.route ?? "unmatched"; // the template, e.g. /orders/{order_id}
    requests.inc({ method: req.method, route, status: res.statusCode });
    latency.observe({ method: req.method, route }, seconds);
    if (process.env.LOG_REQUESTS !== "0") {
      log("info", "request", { request_id: requestId, method: req.method, route, status: res.statusCode,
        duration_ms: Math.round(seconds * 10000) / 10 });
    }
  });
}
// ANCHOR_END: observe
