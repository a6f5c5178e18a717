def make_orders(client, customer_id, count):
    for _ in range(count):
        body = {"customer_id": customer_id, "items": [{"product_id": 8, "quantity": 1}]}
        assert client.post("/orders", json=body).status_code == 201


def test_pages_walk_every_order_once_newest_first(client):
    make_orders(client, 42, 5)
    make_orders(client, 7, 2)
    seen, url = [], "/orders?customer_id=42&limit=2"
    while url:
        page = client.get(url).json()
        seen += [order["id"] for order in page["items"]]
        url = page["next_cursor"] and f"/orders?customer_id=42&limit=2&cursor={page['next_cursor']}"
    assert seen == [1005, 1004, 1003, 1002, 1001]


def test_status_filter_and_empty_page(client):
    make_orders(client, 42, 1)
    assert client.get("/orders?status=pending").json()["items"][0]["id"] == 1001
    assert client.get("/orders?status=shipped").json() == {"items": [], "next_cursor": None}


def test_bad_parameters_are_field_errors(client):
    body = client.get("/orders?limit=0&status=lost&cursor=xyz").json()
    assert body["status"] == 422
    assert {e["field"] for e in body["errors"]} == {"limit", "status"}
    body = client.get("/orders?cursor=bm90IGpzb24").json()
    assert [e["field"] for e in body["errors"]] == ["cursor"]
