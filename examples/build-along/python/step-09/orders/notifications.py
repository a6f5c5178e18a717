"""Job handlers that tell customers about their orders."""

import psycopg

from orders import jobs, store


@jobs.handler("order_confirmation")
def order_confirmation(conn: psycopg.Connection, payload: dict) -> None:
    order = store.get_order(conn, payload["order_id"])
    body = f"Order {order['id']} received: {len(order['items'])} line(s), {order['total_cents']} cents."
    # A job can run twice (a worker may die after sending, before marking it done), so the
    # handler must be safe to repeat: the primary key turns a second send into a no-op.
    conn.execute("INSERT INTO notifications (order_id, kind, body) VALUES (%s, %s, %s)"
                 " ON CONFLICT DO NOTHING", (order["id"], "order_confirmation", body))
