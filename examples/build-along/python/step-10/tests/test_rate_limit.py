import psycopg
import pytest

from orders import ratelimit
from orders.auth import create_client
from orders.db import DATABASE_URL


@pytest.fixture
def limit_of_three(monkeypatch):
    monkeypatch.setattr(ratelimit, "LIMIT", 3)


def test_the_fourth_request_in_a_minute_is_429(client, limit_of_three):
    assert [client.get("/orders").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/orders")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["content-type"] == "application/problem+json"


def test_each_client_has_its_own_budget(client, limit_of_three):
    for _ in range(4):
        client.get("/orders")
    with psycopg.connect(DATABASE_URL) as conn:
        other = create_client(conn, "other")[1]
    assert client.get("/orders", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_a_broken_counter_lets_requests_through(client, limit_of_three, monkeypatch):
    def broken(conn, client_id):
        raise psycopg.OperationalError("counter unavailable")
    monkeypatch.setattr(ratelimit, "hit", broken)
    assert [client.get("/orders").status_code for _ in range(5)] == [200] * 5
