"""The orders service, step 3: validated input and problem-details errors."""

from fastapi import FastAPI, HTTPException, Response
from fastapi.exceptions import RequestValidationError

from orders import problems
from orders.models import OrderIn
from orders.store import MemoryStore, UnknownProduct

app = FastAPI(title="Orders service")
problems.install(app)
store = MemoryStore()


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/orders", status_code=201)
def create_order(body: OrderIn, response: Response) -> dict:
    lines = [line.model_dump() for line in body.items]
    try:
        order = store.create(body.customer_id, lines)
    except UnknownProduct as exc:
        raise RequestValidationError([{
            "type": "unknown_product", "loc": ("body", "items", exc.index, "product_id"),
            "msg": f"product {exc.product_id} is not in the catalogue",
        }])
    response.headers["Location"] = f"/orders/{order['id']}"
    return order


@app.get("/orders/{order_id}")
def get_order(order_id: int) -> dict:
    order = store.get(order_id)
    if order is None:
        raise HTTPException(404, f"Order {order_id} does not exist.")
    return order
