from fastapi.testclient import TestClient

from orders.main import app


def test_health_answers_ok():
    client = TestClient(app)
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
