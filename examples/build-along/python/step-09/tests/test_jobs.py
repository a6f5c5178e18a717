import psycopg
from psycopg.rows import dict_row

from orders import jobs, notifications  # noqa: F401
from orders.db import DATABASE_URL

ORDER = {"customer_id": 42, "items": [{"product_id": 7, "quantity": 2}]}


def connect():
    return psycopg.connect(DATABASE_URL, autocommit=True, row_factory=dict_row)


def test_an_order_enqueues_its_confirmation_and_a_worker_sends_it(client):
    order = client.post("/orders", json=ORDER).json()
    with connect() as conn:
        assert jobs.run_one(conn) is True
        assert jobs.run_one(conn) is False
        sent = conn.execute("SELECT order_id, body FROM notifications").fetchall()
        done = conn.execute("SELECT done_at FROM jobs").fetchone()["done_at"]
    assert sent == [{"order_id": order["id"], "body": f"Order {order['id']} received: 1 line(s), 2500 cents."}]
    assert done is not None


def test_a_failing_job_is_retried_later(client, monkeypatch):
    def broken(conn, payload):
        conn.execute("INSERT INTO notifications (order_id, kind, body) VALUES (%s, 'x', 'x')",
                     (payload["order_id"],))
        raise RuntimeError("mail server down")
    monkeypatch.setitem(jobs.HANDLERS, "order_confirmation", broken)
    client.post("/orders", json=ORDER)
    with connect() as conn:
        assert jobs.run_one(conn) is True
        job = conn.execute("SELECT attempts, last_error, run_at > now() AS later FROM jobs").fetchone()
        assert conn.execute("SELECT count(*) AS n FROM notifications").fetchone()["n"] == 0
        assert jobs.run_one(conn) is False  # not due yet
    assert job == {"attempts": 1, "last_error": "RuntimeError('mail server down')", "later": True}


def test_two_workers_never_take_the_same_job(client):
    client.post("/orders", json=ORDER)
    with connect() as busy, connect() as other:
        with busy.transaction():
            busy.execute("SELECT id FROM jobs FOR UPDATE")  # a worker in the middle of the job
            assert jobs.run_one(other) is False
        assert jobs.run_one(other) is True
