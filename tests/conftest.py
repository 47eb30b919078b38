"""Fixtures every test module shares."""

import pytest


@pytest.fixture(autouse=True)
def _inner_sessions_are_not_xdist_workers(monkeypatch):
    """Under ``pytest -n``, this process is a worker and says so in PYTEST_XDIST_WORKER; an inner session it
    starts is not one (pytest-benchmark would otherwise switch itself off there, with a warning)."""
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
