// Every error leaves the service as RFC 9457 problem details.
import { STATUS_CODES } from "node:http";

export class HttpError extends Error {
  constructor(status, detail, { headers = {}, errors } = {}) {
    super(detail);
    this.status = status;
    this.headers = headers;
    this.errors = errors;
  }
}

export function sendProblem(req, res, err) {
  const body = {
    type: "about:blank",
    title: STATUS_CODES[err.status],
    status: err.status,
    detail: err.message,
    instance: new URL(req.url, "http://x").pathname,
  };
  if (err.errors) body.errors = err.errors;
  res.writeHead(err.status, { ...err.headers, "Content-Type": "application/problem+json" });
  res.end(JSON.stringify(body));
}
