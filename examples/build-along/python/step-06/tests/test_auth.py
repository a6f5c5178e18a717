import psycopg
import pytest

from orders.db import DATABASE_URL


@pytest.mark.parametrize("header", [None, "Basic dXNlcjpwYXNz", "Bearer ", "Bearer ok_wrong",
                                    "Bearer ключ".encode()])
def test_orders_routes_need_a_valid_key(anonymous, header):
    headers = {"Authorization": header} if header else {}
    response = anonymous.get("/orders", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="orders"')
    assert response.headers["content-type"] == "application/problem+json"


def test_a_revoked_key_stops_working(client, api_key):
    assert client.get("/orders").status_code == 200
    with psycopg.connect(DATABASE_URL) as conn:
        conn.execute("UPDATE api_clients SET revoked_at = now()")
    assert client.get("/orders").status_code == 401


def test_health_stays_public(anonymous):
    assert anonymous.get("/health").status_code == 200


def test_only_a_hash_is_stored(api_key):
    with psycopg.connect(DATABASE_URL) as conn:
        stored = conn.execute("SELECT key_hash FROM api_clients").fetchone()[0]
    assert api_key.encode() not in bytes(stored)
