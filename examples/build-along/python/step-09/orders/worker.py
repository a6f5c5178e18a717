"""The worker process: `python -m orders.worker`. Run as many as the queue needs."""

import signal
import time

import psycopg
from psycopg.rows import dict_row

from orders import jobs, notifications  # noqa: F401  (importing registers the handlers)
from orders.db import DATABASE_URL

stopping = False


def stop(signum, frame):
    global stopping
    stopping = True  # finish the current job, then leave


def main() -> None:
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with psycopg.connect(DATABASE_URL, autocommit=True, row_factory=dict_row) as conn:
        print("worker started", flush=True)
        while not stopping:
            if not jobs.run_one(conn):
                time.sleep(1.0)


if __name__ == "__main__":
    main()
