"""API keys: a client sends `Authorization: Bearer <key>`; the database keeps a SHA-256 of it.

A fast hash is right here, unlike for passwords: the key is 32 random bytes, so there is
nothing to guess from its hash. Create a key with `python -m orders.auth "shop frontend"`.
"""

import hashlib
import secrets
import sys

import psycopg
from fastapi import Depends, Header, HTTPException

from orders.db import DATABASE_URL, get_conn


def key_hash(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def create_client(conn: psycopg.Connection, name: str) -> tuple[int, str]:
    key = "ok_" + secrets.token_urlsafe(32)
    row = conn.execute("INSERT INTO api_clients (name, key_hash) VALUES (%s, %s) RETURNING id",
                       (name, key_hash(key))).fetchone()
    return row[0], key


# ANCHOR: dependency
def unauthorized(detail: str, error: str | None = None) -> HTTPException:
    challenge = 'Bearer realm="orders"' + (f', error="{error}"' if error else "")
    return HTTPException(401, detail, headers={"WWW-Authenticate": challenge})


def current_client(authorization: str | None = Header(None), conn=Depends(get_conn)) -> int:
    """The id of the calling client, or a 401 that tells it how to authenticate."""
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise unauthorized("Send an API key as 'Authorization: Bearer <key>'.")
    row = conn.execute("SELECT id FROM api_clients WHERE key_hash = %s AND revoked_at IS NULL",
                       (key_hash(key.strip()),)).fetchone()
    if row is None:
        raise unauthorized("The API key is unknown or revoked.", error="invalid_token")
    return row["id"]
# ANCHOR_END: dependency


if __name__ == "__main__":
    with psycopg.connect(DATABASE_URL) as conn:
        client_id, key = create_client(conn, sys.argv[1])
    print(f"client {client_id}: {key}  (shown once; store it in the client's secret store)")
