"""Orders kept in memory: enough to shape the API before there is a database."""

from datetime import datetime, timezone
from itertools import count

from orders.catalogue import PRICES_CENTS


class UnknownProduct(Exception):
    def __init__(self, index: int, product_id: int):
        super().__init__(f"unknown product {product_id}")
        self.index = index
        self.product_id = product_id


class MemoryStore:
    def __init__(self) -> None:
        self._orders: dict[int, dict] = {}
        self._ids = count(1001)

    def create(self, customer_id: int, lines: list[dict]) -> dict:
        items = []
        for index, line in enumerate(lines):
            price = PRICES_CENTS.get(line["product_id"])
            if price is None:
                raise UnknownProduct(index, line["product_id"])
            items.append({**line, "unit_price_cents": price})
        order = {
            "id": next(self._ids),
            "customer_id": customer_id,
            "status": "pending",
            "items": items,
            "total_cents": sum(i["quantity"] * i["unit_price_cents"] for i in items),
            "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        self._orders[order["id"]] = order
        return order

    def get(self, order_id: int) -> dict | None:
        return self._orders.get(order_id)
