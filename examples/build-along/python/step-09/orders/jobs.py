"""A small job queue on PostgreSQL: enqueue inside a transaction, run with SKIP LOCKED."""

from collections.abc import Callable

import psycopg
from psycopg.types.json import Jsonb

MAX_ATTEMPTS = 5
HANDLERS: dict[str, Callable[[psycopg.Connection, dict], None]] = {}


def handler(kind: str):
    def register(function):
        HANDLERS[kind] = function
        return function
    return register


def enqueue(conn: psycopg.Connection, kind: str, payload: dict) -> None:
    conn.execute("INSERT INTO jobs (kind, payload) VALUES (%s, %s)", (kind, Jsonb(payload)))


# ANCHOR: run_one
def run_one(conn: psycopg.Connection) -> bool:
    """Run the oldest due job; False when there is none. Safe with many workers."""
    with conn.transaction():
        job = conn.execute(
            "SELECT id, kind, payload, attempts FROM jobs"
            " WHERE done_at IS NULL AND run_at <= now() AND attempts < %s"
            " ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED", (MAX_ATTEMPTS,)).fetchone()
        if job is None:
            return False
        try:
            with conn.transaction():  # a savepoint: a failing handler's writes are undone
                HANDLERS[job["kind"]](conn, job["payload"])
        except Exception as exc:  # any failure is retried later, with a growing delay
            conn.execute(
                "UPDATE jobs SET attempts = attempts + 1, last_error = %s,"
                " run_at = now() + make_interval(secs => %s) WHERE id = %s",
                (repr(exc), 10 * 2 ** job["attempts"], job["id"]))
        else:
            conn.execute("UPDATE jobs SET attempts = attempts + 1, done_at = now()"
                         " WHERE id = %s", (job["id"],))
    return True
# ANCHOR_END: run_one
