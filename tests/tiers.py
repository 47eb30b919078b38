"""The suite's three tiers, and the rule that puts every test in exactly one of them (docs/tests.md#three-tiers).

- fast: every test without a tier marker; ``pytest -m "not slow"`` (CI on every push).
- benchmark: the benchmark cases, marked ``slow``: ``tests/test_accuracy.py``'s cases and nothing else;
  ``pytest -m slow`` (the nightly, the README's main job).
- e2e: the suite's own end-to-end checks, marked ``e2e``; ``pytest -m e2e`` (CI, tox).

``-m "not slow"`` would select the e2e checks too, so they are collected only where the ``-m``
expression names ``e2e`` or the command line names the test by its node id. ``tests/conftest.py``
applies both rules to every collection.
"""

import re
from pathlib import Path

from bench.harness import plugin

BENCHMARK, E2E = "slow", "e2e"


def tier(item):
    """``"fast"``, ``"benchmark"`` or ``"e2e"``: the tier ``item`` belongs to (its markers say)."""
    marked = {name for name in (BENCHMARK, E2E) if item.get_closest_marker(name)}
    return "benchmark" if marked == {BENCHMARK} else "e2e" if marked == {E2E} else "fast" if not marked else None


def misplaced(items):
    """One sentence per test that breaks the partition: marked both ``slow`` and ``e2e``, marked ``slow``
    without being a benchmark case, or a benchmark case without ``slow``."""
    problems = []
    for item in items:
        is_case = plugin.case_of(item) is not None
        marked_slow = item.get_closest_marker(BENCHMARK) is not None
        if tier(item) is None:
            problems.append(f"{item.nodeid} is marked both slow and e2e; a test belongs to one tier")
        elif marked_slow and not is_case:
            problems.append(
                f"{item.nodeid} is marked slow but is not a benchmark case (only tests/test_accuracy.py's "
                "cases are); mark a long check of the suite itself e2e"
            )
        elif is_case and not marked_slow:
            problems.append(
                f"{item.nodeid} is a benchmark case without the slow marker; `pytest -m slow` would not run it"
            )
    return problems


def minutes(item):
    """An e2e check's declared cost, ``@pytest.mark.e2e(minutes=N)`` (on an idle 2-core machine); 0 if none."""
    marker = item.get_closest_marker(E2E)
    return marker.kwargs.get("minutes", 0) if marker is not None else 0


def longest_first(items, workers=1, chunk=2):
    """Reorder ``items`` in place so that the checks that declare the most minutes start first.

    In a serial run (``workers`` 1): the files whose checks declare the most minutes first, everything else in
    its collected order (``list.sort`` is stable); a file's tests stay together, so a module-scoped fixture is
    built once, not once per test. Under pytest-xdist (``workers`` > 1), whose load scheduler first hands each
    worker ``chunk`` consecutive tests: the longest check opens each worker's first chunk and the quickest
    fill the rest of it, so the longest checks run side by side, not one after another on one worker; then
    the rest, longest first."""
    if workers <= 1:
        most = {}
        for item in items:
            path = item.nodeid.split("::")[0]
            most[path] = max(most.get(path, 0), minutes(item))
        items.sort(key=lambda item: -most[item.nodeid.split("::")[0]])
        return
    order = sorted(items, key=lambda item: -minutes(item))
    heads = [order.pop(0) for _ in range(min(workers, len(order))) if minutes(order[0]) > 0]
    spread = []
    for head in heads:
        fill = [order.pop() for _ in range(min(chunk - 1, len(order)))]  # the quickest, from the end
        spread += [head, *fill]
    items[:] = spread + order


def xdist_chunk(config, count):
    """The tests pytest-xdist's load scheduler hands each of a session's workers first (its own rule, for
    ``count`` tests): ``max(min(count // workers // 4, --maxschedchunk), 2)``; 1 worker: no xdist."""
    worker = getattr(config, "workerinput", None)
    if worker is None:
        return 1, 0
    workers = int(worker["workercount"])
    most = config.getoption("maxschedchunk", None) or count
    return workers, max(min(count // workers // 4, most), 2)


def unrequested_e2e(config, items):
    """The e2e checks this session did not ask for: all of them, unless the ``-m`` expression names ``e2e``
    (``-m e2e``, ``-m "e2e or not slow"``; ``-m "not e2e"`` deselects them itself), less those the command
    line names by node id (``pytest tests/test_workflows.py::test_the_nightly_rehearsed``)."""
    if E2E in re.findall(r"[\w-]+", config.option.markexpr or ""):
        return []
    named = [_node_id(config, str(arg)) for arg in config.args if "::" in str(arg)]
    return [
        item
        for item in items
        if tier(item) == "e2e"
        and not any(item.nodeid == n or item.nodeid.startswith((n + "[", n + "::")) for n in named)
    ]


def _node_id(config, arg):
    """``arg`` (``PATH::NAME``, the path as typed) as pytest writes node ids: the path from the root directory."""
    path, _, name = arg.partition("::")
    try:
        path = Path(path).resolve().relative_to(config.rootpath).as_posix()
    except ValueError:
        pass
    return f"{path}::{name}"
