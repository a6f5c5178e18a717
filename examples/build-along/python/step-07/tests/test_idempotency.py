from concurrent.futures import ThreadPoolExecutor

import psycopg

from orders.auth import create_client
from orders.db import DATABASE_URL

ORDER = {"customer_id": 42, "items": [{"product_id": 7, "quantity": 2}]}


def test_a_retry_returns_the_first_order(client):
    first = client.post("/orders", json=ORDER, headers={"Idempotency-Key": "k-1"})
    again = client.post("/orders", json=ORDER, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert len(client.get("/orders").json()["items"]) == 1


def test_the_same_key_with_another_body_is_409(client):
    client.post("/orders", json=ORDER, headers={"Idempotency-Key": "k-2"})
    other = {**ORDER, "customer_id": 43}
    response = client.post("/orders", json=other, headers={"Idempotency-Key": "k-2"})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


def test_keys_are_scoped_per_client(client):
    with psycopg.connect(DATABASE_URL) as conn:
        other_key = create_client(conn, "another client")[1]
    mine = client.post("/orders", json=ORDER, headers={"Idempotency-Key": "shared"})
    theirs = client.post("/orders", json=ORDER, headers={
        "Idempotency-Key": "shared", "Authorization": f"Bearer {other_key}"})
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]


def test_a_failed_request_does_not_burn_the_key(client):
    bad = {"customer_id": 42, "items": [{"product_id": 404, "quantity": 1}]}
    assert client.post("/orders", json=bad, headers={"Idempotency-Key": "k-3"}).status_code == 422
    assert client.post("/orders", json=ORDER, headers={"Idempotency-Key": "k-3"}).status_code == 201


def test_concurrent_retries_create_one_order(client):
    def post(_):
        return client.post("/orders", json=ORDER, headers={"Idempotency-Key": "k-race"})
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(post, range(8)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
