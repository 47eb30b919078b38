"""tests/tiers.py and tests/conftest.py: every test in exactly one tier, and each tier's command collects only it.

The fast tests feed the rule stand-ins for pytest's items; the e2e test collects this suite three times,
once per tier's command, in processes of their own, and checks the partition on what they list.
"""

import subprocess
import sys
import types
from pathlib import Path

import pytest

from bench import benchmarks
from tests import tiers

ROOT = Path(__file__).resolve().parent.parent


def item(nodeid, *markers, case=None, minutes=None):
    """A stand-in for a collected test: its node id, its markers (``minutes``: the e2e marker's) and, for a
    benchmark case, the ``bench_case`` marker ``tests/test_accuracy.py`` gives it (what ``bench.harness.plugin.case_of``
    reads)."""
    kwargs = {} if minutes is None else {"minutes": minutes}
    found = {name: types.SimpleNamespace(args=(), kwargs=kwargs) for name in markers}
    if case is not None:
        found["bench_case"] = types.SimpleNamespace(args=(case,), kwargs={})
    return types.SimpleNamespace(nodeid=nodeid, get_closest_marker=found.get)


def config(markexpr="", args=()):
    return types.SimpleNamespace(option=types.SimpleNamespace(markexpr=markexpr), args=list(args), rootpath=ROOT)


CASE = item(
    "tests/test_accuracy.py::test_accuracy_meets_baseline[digits-holdout-step]",
    "slow",
    case=("digits", "holdout", "step"),
)
CHECK = item("tests/test_workflows.py::test_the_nightly_rehearsed", "e2e")
FAST = item("tests/test_tiers.py::test_x")


def test_each_test_s_tier_comes_from_its_markers():
    assert [tiers.tier(i) for i in (CASE, CHECK, FAST)] == ["benchmark", "e2e", "fast"]
    assert tiers.misplaced([CASE, CHECK, FAST]) == []


def test_a_test_outside_the_partition_is_named_with_what_to_do():
    both = item("suite/test_somewhere.py::test_both", "slow", "e2e")
    slow_check = item("suite/test_somewhere.py::test_long", "slow")
    unmarked_case = item(
        "tests/test_accuracy.py::test_accuracy_meets_baseline[digits-holdout-cosine]",
        case=("digits", "holdout", "cosine"),
    )
    problems = tiers.misplaced([CASE, both, slow_check, unmarked_case, FAST])
    assert problems == [
        "suite/test_somewhere.py::test_both is marked both slow and e2e; a test belongs to one tier",
        "suite/test_somewhere.py::test_long is marked slow but is not a benchmark case "
        "(only tests/test_accuracy.py's cases are); "
        "mark a long check of the suite itself e2e",
        "tests/test_accuracy.py::test_accuracy_meets_baseline[digits-holdout-cosine] is a benchmark case without the "
        "slow marker; `pytest -m slow` would not run it",
    ]


def test_the_longest_e2e_checks_come_first_and_the_rest_keep_their_order():
    short, long, longest = (
        item(f"suite/test_{n}.py::t", "e2e", minutes=m) for n, m in (("a", None), ("b", 2), ("c", 7))
    )
    items = [FAST, short, long, CASE, longest]
    tiers.longest_first(items)
    assert items == [longest, long, FAST, short, CASE]


def test_a_file_s_tests_stay_together_behind_its_longest():
    """A module fixture shared by a long test and a short one is built once only if the two run back to back:
    sorted test by test, a serial `pytest -m e2e` would move the long one ahead and build the fixture twice."""
    long, other, short = (
        item("suite/test_x.py::long", "e2e", minutes=4),
        item("suite/test_y.py::t", "e2e", minutes=2),
        item("suite/test_x.py::short", "e2e"),
    )
    items = [FAST, long, other, short]
    tiers.longest_first(items)
    assert items == [long, short, other, FAST]


def test_under_xdist_the_longest_checks_open_the_workers_first_chunks():
    """pytest-xdist's load scheduler hands each worker its first `chunk` tests in collection order: the longest
    check opens each worker's chunk, the quickest fill it, the rest follow longest first (a file's tests may
    part: each worker imports what it runs)."""
    nightly, fast_job, history, other = (
        item(f"suite/test_{n}.py::t", "e2e", minutes=m) for n, m in (("w", 7), ("w2", 3), ("h", 4), ("o", 1))
    )
    quick = [item(f"suite/test_q{i}.py::t", "e2e") for i in range(6)]
    items = [fast_job, *quick, nightly, other, history]
    tiers.longest_first(items, workers=3, chunk=2)
    assert items[:6] == [nightly, quick[5], history, quick[4], fast_job, quick[3]]
    assert items[6:] == [other, *quick[:3]]
    few = [other, quick[0]]
    tiers.longest_first(few, workers=3, chunk=2)  # fewer long checks than workers: no filler is invented
    assert few == [other, quick[0]]


def test_the_first_chunk_is_xdist_s_own_rule():
    def config(workers=None, most=None):
        given = {"workerinput": {"workercount": workers}} if workers else {}
        return types.SimpleNamespace(**given, getoption=lambda name, default=None: most)

    assert tiers.xdist_chunk(config(), 68) == (1, 0)  # no xdist: the serial order
    assert tiers.xdist_chunk(config(3), 68) == (3, 5)  # 68 // 3 // 4
    assert tiers.xdist_chunk(config(3, most=1), 68) == (3, 2)  # --maxschedchunk 1: still 2 at first
    assert tiers.xdist_chunk(config(3), 12) == (3, 2)


@pytest.mark.parametrize(
    "markexpr, args, dropped",
    [
        ("not slow", (), [CHECK]),  # the CI command: the e2e checks are not its tier
        ("slow", (), [CHECK]),
        ("", (), [CHECK]),  # a plain `pytest`
        ("e2e", (), []),
        ("e2e or not slow", (), []),
        ("not e2e", (), []),  # names it: -m deselects it itself
        ("", ("tests/test_workflows.py::test_the_nightly_rehearsed",), []),  # named by its node id
        ("", (str(ROOT / "tests" / "test_workflows.py") + "::test_the_nightly_rehearsed",), []),
        ("", ("tests/test_workflows.py::test_other",), [CHECK]),
    ],
)
def test_e2e_checks_run_only_where_asked_for(markexpr, args, dropped):
    assert tiers.unrequested_e2e(config(markexpr, args), [CASE, CHECK, FAST]) == dropped


def _collect(markexpr):
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", markexpr, "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {line for line in done.stdout.splitlines() if "::" in line}


@pytest.mark.e2e  # collects the whole suite three times in processes of their own: about 25 s on 2 cores
def test_each_tier_s_command_collects_that_tier_and_nothing_else():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(3) as pool:
        benchmark, fast, e2e = pool.map(_collect, ["slow", "not slow", "e2e"])
    expected = {f"tests/test_accuracy.py::test_accuracy_meets_baseline[{b}-{p}-{c}]" for b, p, c in benchmarks.cases()}
    assert benchmark == expected  # every case of every benchmark, CPU and GPU, and nothing else
    assert e2e and fast
    assert not (fast & e2e) and not (fast & benchmark) and not (e2e & benchmark)
    assert all(not nodeid.startswith("tests/test_accuracy.py") for nodeid in e2e | fast)


def test_no_test_module_skips_itself_at_collection():
    """A module-level ``pytest.importorskip`` of what some install lacks (Ray without ``.[ray]``, TensorFlow under
    Keras 3 on JAX) is counted as skipped tests by every tier's run, the main job's ``pytest -m slow`` included,
    though none of its tests is in that tier: skip inside the tests instead (a fixture). Keras is in every install."""
    import ast

    found = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            call = getattr(node, "value", None)
            if isinstance(call, ast.Call) and getattr(call.func, "attr", None) == "importorskip":
                what = call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) else None
                if what != "keras":
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} importorskip({what!r})")
    assert found == [], found
