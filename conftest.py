"""Project-wide pytest set-up: quiet TensorFlow start-up logs, and a garbage collector that leaves
TensorFlow's import and the collected test modules alone. The benchmark plugin loads as it does in any
project that installs the suite, through its ``pytest11`` entry point (``pyproject.toml``)."""

import gc
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# No cyclic garbage collection until the tests are collected. Collecting imports TensorFlow and Keras and
# compiles and assertion-rewrites every test module, and the collector ran 2,500 times on the way (11 of them
# full, each walking every object alive: about 500,000 once TensorFlow is in), 2.0 s of a 10 s collection in
# one process on a 2-core machine (timed with gc.callbacks). What collection leaves unreachable is about
# 19,000 objects, 3 MB, kept for the session (frozen below).
gc.disable()


def pytest_collection_finish(session):
    """Move every object alive after collection (about 500,000 the collector tracks, mostly
    TensorFlow's and Keras' modules) out of the cycle collector's reach with CPython's
    ``gc.freeze``, then switch the collector back on: each full collection during the tests then
    walks only what the tests made. Frozen objects are never collected; these live until exit anyway."""
    gc.freeze()
    gc.enable()


def pytest_unconfigure(config):
    """Freeze again before exit, so the interpreter's last collections skip them too: about 1 s
    of every TensorFlow session's wall time on a 2-core machine (``python -m bench speed tests``
    shows it as the exit phase)."""
    gc.freeze()
