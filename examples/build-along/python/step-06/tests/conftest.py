"""Tests run against a real PostgreSQL named by DATABASE_URL, emptied before each test."""

import psycopg
import pytest
from fastapi.testclient import TestClient

from orders.auth import create_client
from orders.db import DATABASE_URL
from orders.main import app
from orders.migrate import migrate

KEEP = ("schema_migrations", "products")


@pytest.fixture(scope="session", autouse=True)
def schema():
    migrate()


@pytest.fixture(autouse=True)
def empty_tables(schema):
    with psycopg.connect(DATABASE_URL) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND NOT tablename = ANY(%s)", (list(KEEP),))]
        conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


@pytest.fixture
def anonymous():
    with TestClient(app) as client:  # `with` runs the lifespan, which opens the pool
        yield client


@pytest.fixture
def api_key(empty_tables):
    with psycopg.connect(DATABASE_URL) as conn:
        return create_client(conn, "tests")[1]


@pytest.fixture
def client(anonymous, api_key):
    anonymous.headers["Authorization"] = f"Bearer {api_key}"
    return anonymous
