"""Project-wide pytest set-up: quiet TensorFlow start-up logs, and a garbage collector that leaves
TensorFlow's import alone. The benchmark plugin loads as it does in any project that installs the suite,
through its ``pytest11`` entry point (``pyproject.toml``)."""

import gc
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_collection_finish(session):
    """Move every object alive after collection (about 450,000 the collector tracks, mostly
    TensorFlow's and Keras' modules) out of the cycle collector's reach with CPython's
    ``gc.freeze``: each full collection during the tests then walks only what the tests made.
    Frozen objects are never collected; these live until exit anyway."""
    gc.freeze()


def pytest_unconfigure(config):
    """Freeze again before exit, so the interpreter's last collections skip them too: about 1 s
    of every TensorFlow session's wall time on a 2-core machine (``python -m bench speed tests``
    shows it as the exit phase)."""
    gc.freeze()
