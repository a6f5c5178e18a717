"""Orders in PostgreSQL. Every function takes the connection it works on."""

import psycopg

from orders import jobs
from orders.catalogue import prices_for


class UnknownProduct(Exception):
    def __init__(self, index: int, product_id: int):
        super().__init__(f"unknown product {product_id}")
        self.index = index
        self.product_id = product_id


# ANCHOR: create
def create_order(conn: psycopg.Connection, customer_id: int, lines: list[dict]) -> dict:
    prices = prices_for(conn, {line["product_id"] for line in lines})
    items = []
    for index, line in enumerate(lines):
        if line["product_id"] not in prices:
            raise UnknownProduct(index, line["product_id"])
        items.append({**line, "unit_price_cents": prices[line["product_id"]]})
    total = sum(item["quantity"] * item["unit_price_cents"] for item in items)
    with conn.transaction():
        row = conn.execute(
            "INSERT INTO orders (customer_id, total_cents) VALUES (%s, %s) RETURNING *",
            (customer_id, total)).fetchone()
        conn.cursor().executemany(
            "INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price_cents)"
            " VALUES (%s, %s, %s, %s, %s)",
            [(row["id"], n, i["product_id"], i["quantity"], i["unit_price_cents"])
             for n, i in enumerate(items)])
        jobs.enqueue(conn, "order_confirmation", {"order_id": row["id"]})
    return to_json(row, items)
# ANCHOR_END: create


def get_order(conn: psycopg.Connection, order_id: int) -> dict | None:
    row = conn.execute("SELECT * FROM orders WHERE id = %s", (order_id,)).fetchone()
    if row is None:
        return None
    return to_json(row, items_of(conn, [order_id])[order_id])


# ANCHOR: list
def list_orders(conn: psycopg.Connection, customer_id: int | None, status: str | None,
                limit: int, after_id: int | None) -> tuple[list[dict], int | None]:
    """Newest first; keyset pagination: the next page starts below the last id seen."""
    rows = conn.execute(
        "SELECT * FROM orders"
        " WHERE (%(customer)s::bigint IS NULL OR customer_id = %(customer)s)"
        "   AND (%(status)s::text IS NULL OR status = %(status)s)"
        "   AND (%(after)s::bigint IS NULL OR id < %(after)s)"
        " ORDER BY id DESC LIMIT %(limit)s",
        {"customer": customer_id, "status": status, "after": after_id, "limit": limit + 1},
    ).fetchall()
    page = rows[:limit]
    items = items_of(conn, [row["id"] for row in page])
    next_after = page[-1]["id"] if len(rows) > limit else None
    return [to_json(row, items[row["id"]]) for row in page], next_after
# ANCHOR_END: list


def items_of(conn: psycopg.Connection, order_ids: list[int]) -> dict[int, list[dict]]:
    # One query for all the orders' lines, not one per order.
    found: dict[int, list[dict]] = {order_id: [] for order_id in order_ids}
    rows = conn.execute(
        "SELECT order_id, product_id, quantity, unit_price_cents FROM order_items"
        " WHERE order_id = ANY(%s) ORDER BY order_id, line_no", (order_ids,))
    for row in rows:
        found[row.pop("order_id")].append(row)
    return found


def to_json(row: dict, items: list[dict]) -> dict:
    return {
        "id": row["id"],
        "customer_id": row["customer_id"],
        "status": row["status"],
        "items": items,
        "total_cents": row["total_cents"],
        "created_at": row["created_at"].strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
