"""One JSON log line and two metrics per request, tied together by a request id."""

import json
import logging
import re
import time
import uuid
from datetime import datetime, timezone

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

log = logging.getLogger("orders.http")
REQUESTS = Counter("http_requests_total", "Requests handled", ["method", "route", "status"])
LATENCY = Histogram("http_request_duration_seconds", "Time to answer", ["method", "route"])
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)


# ANCHOR: middleware
async def observe(request: Request, call_next) -> Response:
    # Reuse the caller's id (from a proxy or another service) when it is safe to log.
    incoming = request.headers.get("x-request-id", "")
    request_id = incoming if SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
    started = time.perf_counter()
    status = 500
    try:
        response = await call_next(request)
        status = response.status_code
        response.headers["X-Request-ID"] = request_id
        return response
    finally:
        seconds = time.perf_counter() - started
        # The route's template, not the raw path: /orders/{order_id} is one series, not millions.
        route = getattr(request.scope.get("route"), "path", "unmatched")
        REQUESTS.labels(request.method, route, str(status)).inc()
        LATENCY.labels(request.method, route).observe(seconds)
        log.info("request", extra={"fields": {
            "request_id": request_id, "method": request.method, "route": route,
            "status": status, "duration_ms": round(seconds * 1000, 1)}})
# ANCHOR_END: middleware


def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def install(app: FastAPI) -> None:
    app.middleware("http")(observe)
    # Prometheus scrapes this; expose it on the internal network only (see the container step).
    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
