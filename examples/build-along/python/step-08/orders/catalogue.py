"""The server's price list, read from the products table and kept in memory for a minute."""

import threading

import psycopg
from cachetools import TTLCache

# A price change reaches new orders within TTL seconds. Orders store the price they were
# charged, so a stale entry never changes an existing order.
TTL = 60
_prices: TTLCache = TTLCache(maxsize=10_000, ttl=TTL)
_lock = threading.Lock()  # TTLCache is not thread-safe; FastAPI runs handlers on threads


# ANCHOR: prices
def prices_for(conn: psycopg.Connection, product_ids: set[int]) -> dict[int, int]:
    with _lock:
        found = {pid: _prices[pid] for pid in product_ids if pid in _prices}
    missing = product_ids - found.keys()
    if missing:
        rows = conn.execute("SELECT id, price_cents FROM products WHERE id = ANY(%s)",
                            (list(missing),)).fetchall()
        with _lock:
            for row in rows:
                _prices[row["id"]] = found[row["id"]] = row["price_cents"]
    return found
# ANCHOR_END: prices


def forget() -> None:
    with _lock:
        _prices.clear()
