ORDER = {"customer_id": 42, "items": [{"product_id": 7, "quantity": 2}]}


def test_create_then_read_an_order(client):
    created = client.post("/orders", json=ORDER)
    assert created.status_code == 201
    order = created.json()
    assert order["id"] == 1001
    assert created.headers["location"] == "/orders/1001"
    assert order["items"] == [{"product_id": 7, "quantity": 2, "unit_price_cents": 1250}]
    assert order["total_cents"] == 2500
    assert client.get("/orders/1001").json() == order


def test_two_lines_of_one_product_are_both_priced(client):
    order = client.post("/orders", json={"customer_id": 42, "items": [
        {"product_id": 9, "quantity": 1}, {"product_id": 9, "quantity": 3}]}).json()
    assert order["total_cents"] == 4 * 450


def test_a_failed_order_writes_nothing(client):
    bad = {"customer_id": 42, "items": [{"product_id": 404, "quantity": 1}]}
    assert client.post("/orders", json=bad).status_code == 422
    assert client.post("/orders", json=ORDER).json()["id"] == 1001


def test_migrations_run_once(client):
    from orders.migrate import migrate
    assert migrate() == []


def test_missing_order_is_404(client):
    assert client.get("/orders/999999").status_code == 404
