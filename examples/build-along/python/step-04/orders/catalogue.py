"""The server's price list, read from the products table."""

import psycopg


def prices_for(conn: psycopg.Connection, product_ids: set[int]) -> dict[int, int]:
    rows = conn.execute("SELECT id, price_cents FROM products WHERE id = ANY(%s)",
                        (list(product_ids),))
    return {row["id"]: row["price_cents"] for row in rows}
