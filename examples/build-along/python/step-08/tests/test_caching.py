import psycopg

from orders import catalogue
from orders.db import DATABASE_URL

ORDER = {"customer_id": 42, "items": [{"product_id": 7, "quantity": 2}]}


def test_an_unchanged_order_is_304_and_a_changed_one_is_not(client):
    url = client.post("/orders", json=ORDER).headers["location"]
    first = client.get(url)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    with psycopg.connect(DATABASE_URL) as conn:
        conn.execute("UPDATE orders SET status = 'paid'")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["status"] == "paid"
    assert changed.headers["etag"] != etag


def test_prices_are_cached_until_forgotten(client):
    catalogue.forget()
    assert client.post("/orders", json=ORDER).json()["total_cents"] == 2500
    with psycopg.connect(DATABASE_URL) as conn:
        conn.execute("UPDATE products SET price_cents = 1300 WHERE id = 7")
    try:
        assert client.post("/orders", json=ORDER).json()["total_cents"] == 2500
        catalogue.forget()
        assert client.post("/orders", json=ORDER).json()["total_cents"] == 2600
    finally:
        with psycopg.connect(DATABASE_URL) as conn:
            conn.execute("UPDATE products SET price_cents = 1250 WHERE id = 7")
        catalogue.forget()
