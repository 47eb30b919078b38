"""Fixtures every test module shares."""

import os
import shutil

import pytest

# Debian's chromium here; on GitHub's Ubuntu images /usr/bin/chromium links the Chromium build the image
# installs beside Google Chrome, whose path it exports as CHROME_BIN (docs/tests.md#the-workflows-rehearsed).
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or os.environ.get("CHROME_BIN")


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
    from tests.stores import postgres as stores

    if request.param == "sqlite":
        yield lambda name="history": f"sqlite:///{tmp_path / name}.sqlite"
        return
    with stores.postgres_databases() as new_database:
        yield new_database


@pytest.fixture
def browser():
    """Headless Debian Chromium through playwright (the HTML report's and the dashboard's tests)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or CHROMIUM is None:
        reason = "needs Debian's chromium and `pip install -e '.[test]'` (playwright)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must render the report and the dashboard: {reason}")
        pytest.skip(reason)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.hookimpl(tryfirst=True)  # before -m deselects: the partition is checked on every test collected
def pytest_collection_modifyitems(config, items):
    """Every test in exactly one tier (``tests/tiers.py``), else a usage error naming each one that is not;
    then the e2e checks leave a session that did not ask for them."""
    from tests import tiers

    problems = tiers.misplaced(items)
    if problems:
        raise pytest.UsageError(
            "tests outside the three tiers (docs/tests.md#three-tiers):\n" + "\n".join(f"- {p}" for p in problems)
        )
    dropped = tiers.unrequested_e2e(config, items)
    if dropped:
        kept = set(map(id, dropped))
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if id(item) not in kept]


# after -m and -k have deselected: the order of what will run (a second hook of the same name, by specname)
@pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")
def order_what_runs(config, items):
    """The longest checks first; under pytest-xdist, side by side on the workers (``tiers.longest_first``)."""
    from tests import tiers

    tiers.longest_first(items, *tiers.xdist_chunk(config, len(items)))


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: on the controller, as each worker is ready to collect
def pytest_testnodeready(node):
    """Import Hypothesis on the controller while the workers collect, not after they finish. Hypothesis'
    pytest plugin imports the whole package in its terminal summary (to list observation files), and on the
    controller, which runs no test, nothing has imported it by then: that import was 0.47 s between the
    last test and exit, with nothing else to do (docs/tests.md#the-fast-tier). Past the assertion rewriter,
    as the root ``conftest.py`` imports it where tests are collected."""
    from conftest import import_past_the_rewriter

    import_past_the_rewriter(node.config, "hypothesis.strategies")
