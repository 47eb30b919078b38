"""The project the suite guards: which benchmarks it declares and where their baselines live.

A project is the folder whose ``pyproject.toml`` has a ``[tool.lr_bench]`` table::

    [tool.lr_bench]
    benchmarks = ["mybench.wine"]   # modules, each ending in BENCHMARK = ... (bench.api)
    baselines = "baselines"         # the baseline files' folder, from the project's root (the default)

The pytest plugin takes the session's root folder's (``use``); elsewhere (``python -m bench``, the processes a
session starts) it is found from ``$LR_BENCH_PROJECT`` (a folder), else from the working folder and its
parents. Where none is found the suite
guards its own benchmarks (``SUITE``) against the baselines installed with it. The suite's own checkout is a
project of that kind too: its ``pyproject.toml`` names its seven benchmarks the same way.

``current()`` is the project of this process (found once); ``find(start)`` looks from ``start``.
"""

import dataclasses
import functools
import os
import sys
from pathlib import Path
from typing import Optional, Tuple

ENV = "LR_BENCH_PROJECT"
TABLE = "lr_bench"
# The suite's own benchmarks, in the order the comparison table shows them.
SUITE = tuple(
    f"bench.benchmarks.{name}"
    for name in (
        "ionosphere",
        "digits",
        "cifar10_resnet",
        "cifar10_minivggnet",
        "cifar10_onecycle",
        "fashion_mnist_onecycle",
        "boston_housing",
    )
)
KEYS = ("benchmarks", "baselines")


class ProjectError(ValueError):
    """A ``[tool.lr_bench]`` table the suite cannot use; the message says what to change."""


@dataclasses.dataclass(frozen=True)
class Project:
    root: Optional[Path]  # the folder of its pyproject.toml; None: no project (the suite's own benchmarks)
    benchmarks: Tuple[str, ...]  # modules, each declaring BENCHMARK
    baselines: Optional[Path]  # the baseline files' folder; None: the ones installed with the suite

    @property
    def own(self):
        """Whether this is the suite guarding its own benchmarks (no project, or the suite's checkout)."""
        return self.benchmarks == SUITE


def _toml(path):
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.9 / 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise ProjectError(f"{path} is not valid TOML ({err}): fix it, or remove its [tool.{TABLE}] table") from None


def read(pyproject):
    """The ``Project`` of ``pyproject`` (a ``pyproject.toml``); None where it has no ``[tool.lr_bench]``."""
    pyproject = Path(pyproject)
    table = _toml(pyproject).get("tool", {}).get(TABLE)
    if table is None:
        return None
    where = f"{pyproject}'s [tool.{TABLE}]"
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ProjectError(f"{where} has no key {unknown[0]!r}; its keys: {', '.join(KEYS)}")
    modules = table.get("benchmarks")
    if not modules or not isinstance(modules, list) or not all(isinstance(m, str) and m for m in modules):
        raise ProjectError(
            f'{where} must list its benchmark modules, e.g. benchmarks = ["mybench.wine"]. '
            f"Received: benchmarks={modules!r}"
        )
    if len(set(modules)) < len(modules):
        raise ProjectError(f"{where} lists a module twice: {modules!r}")
    folder = table.get("baselines", "baselines")
    if not isinstance(folder, str) or not folder:
        raise ProjectError(f"{where}: baselines must be a folder, from the project's root. Received: {folder!r}")
    root = pyproject.resolve().parent
    return Project(root, tuple(modules), (root / folder).resolve())


def find(start=None):
    """The project ``$LR_BENCH_PROJECT`` names, else the nearest one at or above ``start`` (default: the working
    folder); the suite's own benchmarks where there is none."""
    named = os.environ.get(ENV)
    if named:
        path = Path(named) / "pyproject.toml"
        found = read(path) if path.is_file() else None
        if found is None:
            raise ProjectError(f"${ENV}={named} has no pyproject.toml with a [tool.{TABLE}] table: unset it or fix it")
        return found
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        path = folder / "pyproject.toml"
        if path.is_file():
            found = read(path)
            if found is not None:
                return found
    return Project(None, SUITE, None)


@functools.lru_cache(maxsize=None)
def current():
    """This process's project: the one ``use`` chose, else ``find()`` (once)."""
    return _chosen[0] or find()


def use(root):
    """Make ``root``'s project this process's (the pytest plugin gives it the session's root folder); where
    ``root`` has none, this process's stays what ``find()`` gives. Returns the ``Project``."""
    found = read(Path(root) / "pyproject.toml") if (Path(root) / "pyproject.toml").is_file() else None
    current.cache_clear()
    if found is not None:
        _chosen[0] = found
    return current()


_chosen = [None]  # what use() chose for this process
