"""A per-client limit on requests per minute, counted in PostgreSQL so all instances share it."""

import logging
import math
import os

import psycopg
from fastapi import Depends, HTTPException

from orders.auth import current_client
from orders.db import get_conn

log = logging.getLogger("orders.ratelimit")
LIMIT = int(os.environ.get("RATE_LIMIT_PER_MINUTE", "120"))


def hit(conn: psycopg.Connection, client_id: int) -> tuple[int, float]:
    """Count one request; return the window's count and the seconds until it ends."""
    row = conn.execute(
        "INSERT INTO rate_limits (client_id, window_start, hits)"
        " VALUES (%s, date_bin('1 minute', now(), 'epoch'), 1)"
        " ON CONFLICT (client_id, window_start) DO UPDATE SET hits = rate_limits.hits + 1"
        " RETURNING hits, extract(epoch FROM window_start + interval '1 minute' - now()) AS left",
        (client_id,)).fetchone()
    return row["hits"], float(row["left"])


# ANCHOR: dependency
def limited_client(client_id: int = Depends(current_client), conn=Depends(get_conn)) -> int:
    """The authenticated client, if it is within its limit. Keyed on the client id, which the
    caller cannot change at will, unlike an IP address behind a proxy or a self-chosen header."""
    try:
        hits, seconds_left = hit(conn, client_id)
    except psycopg.Error:
        # Fail open: a broken counter should not take the whole API down with it.
        log.warning("rate limiter unavailable, request allowed", exc_info=True)
        return client_id
    if hits > LIMIT:
        raise HTTPException(429, f"More than {LIMIT} requests this minute; retry later.",
                            headers={"Retry-After": str(max(1, math.ceil(seconds_left)))})
    return client_id
# ANCHOR_END: dependency
