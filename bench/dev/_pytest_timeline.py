"""A pytest plugin for ``python -m bench.dev speed tests``: appends "<phase> <wall-clock seconds>"
lines to the file named by BENCH_TIMELINE as a session passes each phase. Without it, inert.

Loaded with ``-p _pytest_timeline`` and this folder on PYTHONPATH, so it can time any checkout.
"""

import os
import time

_LOG = os.environ.get("BENCH_TIMELINE")


def _mark(phase):
    if _LOG:
        with open(_LOG, "a") as log:
            log.write(f"{phase} {time.time():.6f}\n")


def pytest_sessionstart(session):
    _mark("sessionstart")


def pytest_collection_finish(session):
    _mark("collected")


def pytest_sessionfinish(session):
    _mark("sessionfinish")
