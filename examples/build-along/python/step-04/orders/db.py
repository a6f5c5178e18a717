"""One connection pool per process, opened when the application starts."""

import os
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql:///orders")


@asynccontextmanager
async def lifespan(app: FastAPI):
    # autocommit: a read is one statement; a write opens conn.transaction() itself.
    kwargs = {"row_factory": dict_row, "autocommit": True}
    with ConnectionPool(DATABASE_URL, kwargs=kwargs, min_size=1, max_size=10) as pool:
        app.state.pool = pool
        yield


def get_conn(request: Request):
    with request.app.state.pool.connection() as conn:
        yield conn
