"""Fixtures every test module shares."""

import pytest


@pytest.fixture(autouse=True)
def _inner_sessions_are_not_xdist_workers(monkeypatch):
    """Under ``pytest -n``, this process is a worker and says so in PYTEST_XDIST_WORKER; an inner session it
    starts is not one (pytest-benchmark would otherwise switch itself off there, with a warning)."""
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A factory of new, empty history-store URLs: SQLite files under tmp_path, or throwaway databases on the
    PostgreSQL server BENCH_TEST_POSTGRES_URL names (`.ci/start-postgres` starts one and prints it). Without
    that server the PostgreSQL half skips, except under CI=true, where it fails."""
    from tests.harness import stores

    if request.param == "sqlite":
        yield lambda name="history": f"sqlite:///{tmp_path / name}.sqlite"
        return
    with stores.postgres_databases() as new_database:
        yield new_database
