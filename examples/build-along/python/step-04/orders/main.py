"""The orders service, step 4: orders live in PostgreSQL."""

from fastapi import Depends, FastAPI, HTTPException, Response
from fastapi.exceptions import RequestValidationError

from orders import problems, store
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
