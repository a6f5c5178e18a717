"""The orders service, step 2: create and read orders, kept in memory."""

from fastapi import FastAPI, HTTPException, Response
from pydantic import BaseModel

from orders.store import MemoryStore, UnknownProduct

app = FastAPI(title="Orders service")
store = MemoryStore()


class LineIn(BaseModel):
    product_id: int
    quantity: int


class OrderIn(BaseModel):
    customer_id: int
    items: list[LineIn]


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/orders", status_code=201)
def create_order(body: OrderIn, response: Response) -> dict:
    lines = [line.model_dump() for line in body.items]
    try:
        order = store.create(body.customer_id, lines)
    except UnknownProduct as exc:
        raise HTTPException(422, str(exc))
    response.headers["Location"] = f"/orders/{order['id']}"
    return order


@app.get("/orders/{order_id}")
def get_order(order_id: int) -> dict:
    order = store.get(order_id)
    if order is None:
        raise HTTPException(404, f"order {order_id} does not exist")
    return order
