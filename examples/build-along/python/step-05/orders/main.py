"""The orders service, step 5: list orders a page at a time."""

from typing import Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Response
from fastapi.exceptions import RequestValidationError

from orders import cursor, problems, store
from orders.db import get_conn, lifespan
from orders.models import OrderIn

app = FastAPI(title="Orders service", lifespan=lifespan)
problems.install(app)


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


# ANCHOR: routes
@app.post("/orders", status_code=201)
def create_order(body: OrderIn, response: Response, conn=Depends(get_conn)) -> dict:
    lines = [line.model_dump() for line in body.items]
    try:
        order = store.create_order(conn, body.customer_id, lines)
    except store.UnknownProduct as exc:
        raise RequestValidationError([{
            "type": "unknown_product", "loc": ("body", "items", exc.index, "product_id"),
            "msg": f"product {exc.product_id} is not in the catalogue",
        }])
    response.headers["Location"] = f"/orders/{order['id']}"
    return order


@app.get("/orders/{order_id}")
def get_order(order_id: int, conn=Depends(get_conn)) -> dict:
    order = store.get_order(conn, order_id)
    if order is None:
        raise HTTPException(404, f"Order {order_id} does not exist.")
    return order
# ANCHOR_END: routes


# ANCHOR: list
Status = Literal["pending", "paid", "shipped", "cancelled"]


@app.get("/orders")
def list_orders(customer_id: int | None = Query(None, gt=0), status: Status | None = None,
                limit: int = Query(20, ge=1, le=100), cursor_: str | None = Query(None, alias="cursor"),
                conn=Depends(get_conn)) -> dict:
    try:
        after_id = cursor.decode(cursor_) if cursor_ is not None else None
    except ValueError as exc:
        raise RequestValidationError([{"type": "cursor", "loc": ("query", "cursor"), "msg": str(exc)}])
    items, next_after = store.list_orders(conn, customer_id, status, limit, after_id)
    return {"items": items, "next_cursor": cursor.encode(next_after) if next_after else None}
# ANCHOR_END: list
