"""Project-wide pytest set-up: quiet TensorFlow start-up logs, a garbage collector that leaves
TensorFlow's import and the collected test modules alone, and the fast tier's temporary folders in memory
where the machine has room (``tests/temproot.py``). The benchmark plugin loads as it does in any project
that installs the suite, through its ``pytest11`` entry point (``pyproject.toml``)."""

import gc
import importlib
import os
import sys
from pathlib import Path

import pytest

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


TEMPROOT_KEY = "lr_schedule_suite_temproot"  # in each xdist worker's workerinput: the controller's choice


@pytest.hookimpl(tryfirst=True)  # before pytest's own tmp_path set-up, which reads PYTEST_DEBUG_TEMPROOT
def pytest_configure(config):
    """Choose where this session's temporary folders go (``tests/temproot.py``); a worker keeps its
    controller's choice, which made the folder it was given. Where tests are collected (not on an xdist
    controller: ``pytest_testnodeready`` in ``tests/conftest.py`` imports it there), import Hypothesis past
    the assertion rewriter first."""
    from tests import temproot

    if not getattr(config.option, "numprocesses", None) or hasattr(config, "workerinput"):
        import_past_the_rewriter(config, "hypothesis.strategies")  # where tests are collected
    given = getattr(config, "workerinput", {}).get(TEMPROOT_KEY)
    if given is not None:
        temproot.CHOSEN = Path(given) if given else None
        return
    root = temproot.ram_root(config.option.markexpr, config.option.basetemp, os.environ)
    if root is not None:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(root)
        config.add_cleanup(lambda: os.environ.pop("PYTEST_DEBUG_TEMPROOT", None))
    temproot.CHOSEN = root


def import_past_the_rewriter(config, module):
    """Import ``module`` with pytest's assertion-rewriting import hook set aside, then put it back.

    pytest rewrites the asserts of every module of each installed package that ships a pytest plugin
    (a ``pytest11`` entry point): Hypothesis is one, 73 modules, parsed, rewritten and compiled in each
    process, and cached nowhere while ``PYTHONDONTWRITEBYTECODE`` is set (a fresh venv holds no cache of
    them): about 0.6 s of the fast tier there (docs/tests.md#the-fast-tier). Hypothesis' own asserts are
    its internal checks, not this suite's tests, so it loads from its ordinary bytecode instead. The test
    modules are rewritten as before (``tests/test_temproot.py`` checks both). Missing: nothing happens."""
    hook = getattr(config.pluginmanager, "rewrite_hook", None)
    at = sys.meta_path.index(hook) if hook in sys.meta_path else None
    if at is not None:
        del sys.meta_path[at]
    try:
        importlib.import_module(module)
    except ImportError:
        pass
    finally:
        if at is not None:
            sys.meta_path.insert(at, hook)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    from tests import temproot

    node.workerinput[TEMPROOT_KEY] = str(temproot.CHOSEN) if temproot.CHOSEN is not None else ""


def pytest_report_header(config):
    from tests import temproot

    if temproot.CHOSEN is not None:
        return [
            f"temporary folders: under {temproot.CHOSEN} (memory; tests/temproot.py), "
            "--basetemp or TMPDIR to choose another place"
        ]
    return []
