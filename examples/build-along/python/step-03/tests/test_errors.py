from fastapi.testclient import TestClient

from orders.main import app

client = TestClient(app)


def assert_problem(response, status):
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    assert body["status"] == status
    return body


def test_a_client_price_is_refused():
    cheap = {"customer_id": 42, "items": [{"product_id": 7, "quantity": 1, "unit_price_cents": 1}]}
    body = assert_problem(client.post("/orders", json=cheap), 422)
    assert body["errors"][0]["field"] == "items.0.unit_price_cents"


def test_each_bad_field_is_named():
    bad = {"customer_id": "42", "items": [{"product_id": 7, "quantity": 0}]}
    body = assert_problem(client.post("/orders", json=bad), 422)
    assert {e["field"] for e in body["errors"]} == {"customer_id", "items.0.quantity"}


def test_unknown_product_is_a_field_error():
    body = assert_problem(client.post("/orders", json={"customer_id": 1, "items": [
        {"product_id": 7, "quantity": 1}, {"product_id": 404, "quantity": 1}]}), 422)
    assert body["errors"][0]["field"] == "items.1.product_id"


def test_malformed_json_is_400():
    response = client.post("/orders", content=b'{"customer_id": 4',
                           headers={"content-type": "application/json"})
    assert_problem(response, 400)


def test_wrong_method_is_405_with_allow():
    response = client.delete("/orders/1001")
    assert_problem(response, 405)
    assert response.headers["allow"] == "GET"


def test_missing_order_is_a_problem():
    assert_problem(client.get("/orders/999999"), 404)
