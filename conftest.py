"""Project-wide pytest set-up: the benchmark plugin, quiet TensorFlow start-up logs, and a
garbage collector that leaves TensorFlow's import alone."""

import gc
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

pytest_plugins = ["bench.harness.plugin"]


def pytest_collection_finish(session):
    """Move every object alive after collection (TensorFlow's and Keras' modules, about a
    million objects) out of the collector's reach: a full collection then walks only what the
    tests made. Nothing is freed early; this is CPython's ``gc.freeze``."""
    gc.freeze()


def pytest_unconfigure(config):
    """And skip walking them all once more at interpreter exit: about 1 s of every TensorFlow
    session's wall time on a 2-core machine (``python -m bench speed_tests`` measures it)."""
    gc.freeze()
