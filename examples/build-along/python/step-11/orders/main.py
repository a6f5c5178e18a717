"""The orders service, step 11: JSON logs, a request id and Prometheus metrics."""

from typing import Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Response
from fastapi.exceptions import RequestValidationError

from orders import cursor, http_cache, idempotency, observability, problems, store
from orders.db import get_conn, lifespan
from orders.models import OrderIn
from orders.ratelimit import limited_client

app = FastAPI(title="Orders service", lifespan=lifespan)
problems.install(app)
observability.configure_logging()
observability.install(app)


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


# ANCHOR: routes
@app.post("/orders", status_code=201)
def create_order(body: OrderIn, response: Response, conn=Depends(get_conn),
                 client_id: int = Depends(limited_client),
                 key: str | None = Header(None, alias="Idempotency-Key", min_length=1, max_length=255)
                 ) -> dict:
    lines = [line.model_dump() for line in body.items]
    try:
        if key is None:
            order = store.create_order(conn, body.customer_id, lines)
        else:
            order = idempotency.create_once(conn, client_id, key, body.model_dump(),
                                            lambda: store.create_order(conn, body.customer_id, lines))
    except store.UnknownProduct as exc:
        raise RequestValidationError([{
            "type": "unknown_product", "loc": ("body", "items", exc.index, "product_id"),
            "msg": f"product {exc.product_id} is not in the catalogue",
        }])
    except idempotency.KeyReused:
        raise HTTPException(409, "This Idempotency-Key was already used with a different body.")
    response.headers["Location"] = f"/orders/{order['id']}"
    return order


# ANCHOR: get
@app.get("/orders/{order_id}", response_model=None)
def get_order(order_id: int, response: Response, conn=Depends(get_conn),
              client_id: int = Depends(limited_client),
              if_none_match: str | None = Header(None)) -> dict | Response:
    order = store.get_order(conn, order_id)
    if order is None:
        raise HTTPException(404, f"Order {order_id} does not exist.")
    etag = http_cache.etag_of(order)
    if http_cache.not_modified(if_none_match, etag):
        response = Response(status_code=304)
        http_cache.cacheable(response, etag)
        return response
    http_cache.cacheable(response, etag)
    return order
# ANCHOR_END: get
# ANCHOR_END: routes


# ANCHOR: list
Status = Literal["pending", "paid", "shipped", "cancelled"]


@app.get("/orders")
def list_orders(customer_id: int | None = Query(None, gt=0), status: Status | None = None,
                limit: int = Query(20, ge=1, le=100), cursor_: str | None = Query(None, alias="cursor"),
                conn=Depends(get_conn), client_id: int = Depends(limited_client)) -> dict:
    try:
        after_id = cursor.decode(cursor_) if cursor_ is not None else None
    except ValueError as exc:
        raise RequestValidationError([{"type": "cursor", "loc": ("query", "cursor"), "msg": str(exc)}])
    items, next_after = store.list_orders(conn, customer_id, status, limit, after_id)
    return {"items": items, "next_cursor": cursor.encode(next_after) if next_after else None}
# ANCHOR_END: list
