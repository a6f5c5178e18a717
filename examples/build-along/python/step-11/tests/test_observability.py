import json
import logging

from orders.observability import JsonFormatter

ORDER = {"customer_id": 42, "items": [{"product_id": 7, "quantity": 2}]}


def test_requests_are_counted_by_route_template(client):
    url = client.post("/orders", json=ORDER).headers["location"]
    client.get(url)
    text = client.get("/metrics").text
    assert 'http_requests_total{method="POST",route="/orders",status="201"}' in text
    assert 'route="/orders/{order_id}",status="200"' in text
    assert "/orders/1001" not in text


def test_request_ids_are_kept_or_made(client):
    assert client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    made = client.get("/health", headers={"X-Request-ID": "no spaces\tor tabs"}).headers["x-request-id"]
    assert len(made) == 32


def test_each_request_logs_one_json_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="orders.http"):
        client.get("/orders/999", headers={"X-Request-ID": "r-1"})
    [record] = [r for r in caplog.records if r.name == "orders.http"]
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "request"
    assert {k: line[k] for k in ("request_id", "route", "status")} == {
        "request_id": "r-1", "route": "/orders/{order_id}", "status": 404}
