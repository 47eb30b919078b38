"""Throwaway PostgreSQL databases for the history store's tests (the ``store_url`` fixture, tests/conftest.py)."""

import contextlib
import os
import uuid

import pytest

ENV = "BENCH_TEST_POSTGRES_URL"


@contextlib.contextmanager
def postgres_databases(required=True):
    """Yield a factory of new databases' URLs on the server ``$BENCH_TEST_POSTGRES_URL`` names (its role may
    create databases); every one is dropped afterwards. Without a server: skip the test (``required``), or
    yield None; under CI=true, fail either way."""
    server = os.environ.get(ENV)
    if not server:
        reason = f"needs a PostgreSQL server: export {ENV}=$(.ci/start-postgres)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test the history store on PostgreSQL: {reason}")
        if required:
            pytest.skip(reason)
        yield None
        return
    import sqlalchemy as sa

    from bench.stores.history_store import engine_url

    admin = sa.create_engine(engine_url(server), isolation_level="AUTOCOMMIT")
    made = []

    def new_database(name="history"):
        database = f"test_{name}_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
        made.append(database)
        return server.rsplit("/", 1)[0] + "/" + database

    try:
        yield new_database
    finally:
        with admin.connect() as conn:
            for database in made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
