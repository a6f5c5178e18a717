"""Apply migrations/NNN_name.sql in order, each file once: `python -m orders.migrate`."""

import pathlib

import psycopg

from orders.db import DATABASE_URL

MIGRATIONS = pathlib.Path(__file__).resolve().parent.parent / "migrations"


def migrate(url: str = DATABASE_URL) -> list[str]:
    applied = []
    with psycopg.connect(url) as conn:  # one transaction: all new files or none
        conn.execute("SELECT pg_advisory_xact_lock(7201)")  # one migrator at a time
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                     " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
        for path in sorted(MIGRATIONS.glob("*.sql")):
            if path.name not in done:
                conn.execute(path.read_text())
                conn.execute("INSERT INTO schema_migrations (name) VALUES (%s)", (path.name,))
                applied.append(path.name)
    return applied


if __name__ == "__main__":
    for name in migrate():
        print("applied", name)
