"""How long the fast tier takes: ``pytest -m "not slow"``, timed from outside, phase by phase.

Run: ``python -m bench.dev speed tests [--runs 3] [--root DIR] [--no-floor]``

Runs the README's test command (``pytest -m "not slow" -n 2``: two pytest-xdist workers, one
per core of the machines this suite is sized for) ``--runs`` times, each a fresh process started in
``--root`` (default: this checkout), and prints per run and as the median the process's wall time
(``time.time()`` before it starts and after it exits) and its parts, from a timing plugin loaded
with ``-p``: start-up (interpreter, pytest, plugins, conftest, the workers' start), collection (the
workers', which import TensorFlow; until the last has collected), the tests, and exit (after the
session ends until the process has gone). Before each run it times ``python -c "import tensorflow"`` the same way: the
least any session that touches TensorFlow costs on this machine (the fast tier imports it), taken
side by side so that both see the same machine. The target is a ratio: the median wall time within
3x the median floor (machines here differ by a third, and one machine from hour to hour; the ratio
travels, seconds do not). It reports and exits 0 whatever the times; 1 only when the tests fail.
"""

import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from bench.tools import cli
from bench.tools.cli import UserError

TARGET_RATIO = 3.0  # median wall time / median floor (a bare TensorFlow import)
COMMAND = ["-m", "not slow", "-n", "2"]
PHASES = ("start-up", "collection", "tests", "exit")
COLUMNS = ("wall", *PHASES)
_SUMMARY = re.compile(r"=+ (.*\d+ (?:passed|failed|error|errors).*) in [\d.]+s")


def _pytest():
    """The ``pytest`` this interpreter installed (the command a user types), else ``python -m pytest``."""
    script = Path(sys.executable).with_name("pytest")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pytest"]


def phases(started, ended, marks):
    """Seconds per phase from the process's start and end and the plugin's marks (phase -> time)."""
    missing = {"sessionstart", "collected", "sessionfinish"} - set(marks)
    if missing:
        raise ValueError(f"the timing plugin did not record {sorted(missing)}: the session did not get that far")
    return {
        "wall": ended - started,
        "start-up": marks["sessionstart"] - started,
        "collection": marks["collected"] - marks["sessionstart"],
        "tests": marks["sessionfinish"] - marks["collected"],
        "exit": ended - marks["sessionfinish"],
    }


def _read_marks(path):
    """Phase -> time. Under xdist the controller and each worker mark: the first session start (the
    controller's) and the last collection and session end count."""
    marks = {}
    for line in Path(path).read_text().splitlines():
        phase, at = line.split()
        marks[phase] = (
            min(marks.get(phase, float(at)), float(at))
            if phase == "sessionstart"
            else max(marks.get(phase, float(at)), float(at))
        )
    return marks


def time_suite(root):
    """One run of the fast tier in ``root``: its phases (seconds), pytest's summary and exit status."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "timeline"
        env = {
            **os.environ,
            "BENCH_TIMELINE": str(log),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")])),
        }
        started = time.time()
        done = subprocess.run(
            [*_pytest(), *COMMAND, "-p", "_pytest_timeline"], cwd=root, env=env, capture_output=True, text=True
        )
        ended = time.time()
        found = _SUMMARY.findall(done.stdout)
        record = {
            "summary": found[-1] if found else "(no summary)",
            "returncode": done.returncode,
            "output": done.stdout[-3000:] + done.stderr[-2000:],
        }
        if done.returncode == 0:
            record.update(phases(started, ended, _read_marks(log) if log.exists() else {}))
        return record


def time_import(module="tensorflow"):
    """Wall seconds of a fresh ``python -c "import <module>"``; None where it cannot be imported."""
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    )
    return time.time() - started if done.returncode == 0 else None


CACHED_TREES = ("schedules", "bench", "tests")  # with the root's conftest.py: the modules a fast session compiles


def bytecode_caches(root):
    """``(cached, modules)``: how many of the checkout's own modules (``CACHED_TREES`` and the root's
    ``conftest.py``) have a bytecode cache beside them (``__pycache__/NAME.*.pyc``: Python's, or pytest's
    rewritten test module), and how many there are. A fresh clone has none."""
    root = Path(root)
    modules = [p for tree in CACHED_TREES for p in sorted((root / tree).rglob("*.py"))]
    modules += [root / "conftest.py"] if (root / "conftest.py").exists() else []
    cached = sum(1 for p in modules if any((p.parent / "__pycache__").glob(f"{p.stem}.*.pyc")))
    return cached, len(modules)


def render(records, floor=None, caches=None):
    rows = [[i + 1, *(r[k] for k in COLUMNS), r["summary"]] for i, r in enumerate(records)]
    median = {k: statistics.median(r[k] for r in records) for k in COLUMNS}
    rows.append(["median", *(median[k] for k in COLUMNS), ""])
    lines = [tabulate(rows, headers=["run", "wall s", *(f"{p} s" for p in PHASES), "pytest's summary"], floatfmt=".1f")]
    if floor:
        ratio = median["wall"] / statistics.median(floor)
        verdict = "yes" if ratio <= TARGET_RATIO else "no"
        lines += [
            f'floor: python -c "import tensorflow" (interpreter start, import, exit), timed before each run, '
            f"median of {len(floor)}: {statistics.median(floor):.1f} s",
            f"target: median wall <= {TARGET_RATIO:.0f}x the floor: {ratio:.2f}x, {verdict}",
        ]
    else:
        lines.append(
            f"no floor timed, so no verdict: the target is the median wall within {TARGET_RATIO:.0f}x a bare "
            "TensorFlow import timed beside it"
        )
    if caches is not None:
        lines.append(
            f"bytecode caches before the first run: {caches[0]} of the checkout's {caches[1]} modules "
            f"({', '.join(f'{t}/' for t in CACHED_TREES)}, conftest.py; a fresh clone has none)"
        )
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        lines.append(
            "PYTHONDONTWRITEBYTECODE is set: no cache is written, but those already there are read. Each module "
            "without one is compiled, and each test module assertion-rewritten, in every worker on every run "
            "(one process collecting, 2-core machine: 6.1 s without the checkout's caches against 4.5 s with them)"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = cli.parser("speed tests", __doc__.splitlines()[0], prog=cli.DEV_PROG)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the fast tier (default: 3)")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parents[2],
        help="the checkout to time (default: this one)",
    )
    parser.add_argument("--no-floor", action="store_true", help="do not time python -c 'import tensorflow'")
    args = parser.parse_args(argv)
    if args.runs < 1:
        raise UserError(f"--runs must be at least 1; got {args.runs}")
    if not (args.root / "conftest.py").exists():
        raise UserError(f"--root {args.root} is not a checkout of this suite (no conftest.py there)")
    print(
        f"pytest {shlex.join(COMMAND)} in {args.root}, {os.cpu_count()} CPU(s), wall time from outside the process; "
        "phases from a timing plugin"
    )
    caches = bytecode_caches(args.root)  # before the runs: without PYTHONDONTWRITEBYTECODE they write them
    records, floor = [], []
    for _ in range(args.runs):
        if not args.no_floor:
            floor.append(time_import())
        records.append(time_suite(args.root))
        if records[-1]["returncode"] != 0:
            print(records[-1]["output"])
            print(f"the fast tier failed (exit {records[-1]['returncode']}); its times are not a measurement")
            return 1
    if None in floor:
        print("no floor: python -c 'import tensorflow' fails in this environment")
        floor = None
    print(render(records, floor, caches))
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
