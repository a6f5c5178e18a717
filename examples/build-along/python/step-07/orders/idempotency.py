"""Idempotency-Key for POST /orders, scoped to the calling client."""

import hashlib
import json
from collections.abc import Callable

import psycopg

from orders import store


class KeyReused(Exception):
    """The key was already used by this client for a different request body."""


# ANCHOR: create_once
def create_once(conn: psycopg.Connection, client_id: int, key: str, body: dict,
                create: Callable[[], dict]) -> dict:
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).digest()
    with conn.transaction():
        # Claim the key first. A concurrent request with the same key blocks on this insert
        # until the first commits (then finds its order) or rolls back (then claims it).
        claimed = conn.execute(
            "INSERT INTO idempotency_keys (client_id, key, request_hash) VALUES (%s, %s, %s)"
            " ON CONFLICT DO NOTHING RETURNING key", (client_id, key, digest)).fetchone()
        if claimed is not None:
            order = create()  # its own transaction becomes a savepoint inside this one
            conn.execute("UPDATE idempotency_keys SET order_id = %s"
                         " WHERE client_id = %s AND key = %s", (order["id"], client_id, key))
            return order
        seen = conn.execute("SELECT request_hash, order_id FROM idempotency_keys"
                            " WHERE client_id = %s AND key = %s", (client_id, key)).fetchone()
    if bytes(seen["request_hash"]) != digest:
        raise KeyReused()
    return store.get_order(conn, seen["order_id"])
# ANCHOR_END: create_once
