from fastapi.testclient import TestClient

from orders.main import app

client = TestClient(app)
ORDER = {"customer_id": 42, "items": [{"product_id": 7, "quantity": 2}]}


def test_create_then_read_an_order():
    created = client.post("/orders", json=ORDER)
    assert created.status_code == 201
    order = created.json()
    assert created.headers["location"] == f"/orders/{order['id']}"
    assert order["status"] == "pending"
    assert order["items"] == [{"product_id": 7, "quantity": 2, "unit_price_cents": 1250}]
    assert order["total_cents"] == 2500
    assert client.get(created.headers["location"]).json() == order


def test_prices_come_from_the_catalogue_not_the_client():
    cheap = {"customer_id": 42, "items": [{"product_id": 7, "quantity": 1, "unit_price_cents": 1}]}
    order = client.post("/orders", json=cheap).json()
    assert order["total_cents"] == 1250


def test_missing_order_is_404():
    assert client.get("/orders/999999").status_code == 404
