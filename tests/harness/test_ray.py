"""--bench-ray end to end: Ray on this machine trains the ionosphere case seed by seed, and the session
records and prints what a serial run does, number for number."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.stores import history_store

pytestmark = pytest.mark.e2e  # two pytest sessions that train, one of them starting Ray (about 30 s)


@pytest.fixture(autouse=True)
def _ray_installed():
    pytest.importorskip("ray")  # the optional extra: .[ray]


ROOT = Path(__file__).resolve().parents[2]
CASE = "ionosphere-published-step"


PROBE = """
import sys


def pytest_unconfigure(config):
    print("driver imported tensorflow:", "tensorflow" in sys.modules)
"""


def _session(tmp_path, name, *args):
    results = tmp_path / name
    (tmp_path / "probe_plugin.py").write_text(PROBE)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/test_accuracy.py",
            "-m",
            "slow",
            "-k",
            CASE,
            "-p",
            "no:cacheprovider",
            "-p",
            "probe_plugin",
            "--bench-seeds=4",
            f"--bench-results={results}",
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (folder,) = [p for p in results.iterdir() if p.is_dir()]  # beside it: the history store's SQLite file
    records = [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]
    kept = [r for _, r in history_store.open_store(results / history_store.FILE_NAME).records()]
    assert sorted((r["kind"], r.get("seed")) for r in kept) == sorted((r["kind"], r.get("seed")) for r in records)
    runs = {r["seed"]: r for r in records if r["kind"] == "run"}
    table = [line for line in done.stdout.splitlines() if line.startswith(("ionosphere ", "how:"))]
    return runs, table, done.stdout


def test_a_ray_run_records_and_prints_what_the_serial_run_does(tmp_path):
    serial, serial_table, _ = _session(tmp_path, "serial")
    ray_runs, ray_table, out = _session(tmp_path, "ray", "--bench-ray")
    assert sorted(ray_runs) == sorted(serial) == [0, 1, 2, 3]
    for seed in serial:
        assert ray_runs[seed]["metrics"] == serial[seed]["metrics"]
        assert ray_runs[seed]["history"] == serial[seed]["history"]
        assert ray_runs[seed]["environment"]["seeds_together"] == 1  # each seed its own task
    assert serial[0]["environment"]["seeds_together"] == 4  # the serial run trained them together
    rows = [line for line in serial_table if not line.startswith("how:")]
    assert rows and rows == [line for line in ray_table if not line.startswith("how:")]
    assert re.search(r"how: .*each seed a task on Ray on this machine", " ".join(out.split()))  # wrapped to the table
    assert "driver imported tensorflow: False" in out  # only the Ray tasks did
    assert "seed 3 (4/4 done)" in out or re.search(r"seed \d \(4/4 done\)", out)


def test_a_failing_task_runs_once_more_then_its_seed_is_reported_and_the_others_kept(tmp_path):
    from bench.benchmarks import RunOptions, ionosphere
    from bench.engine.records import RunResult
    from bench.harness.ray_runner import RayRunner

    marks = str(tmp_path)

    def task(name, schedule, seed, protocol, options):  # shipped to the workers by value (a closure)
        import os

        path = os.path.join(marks, f"seed{seed}")
        tries = len(open(path).read()) if os.path.exists(path) else 0
        with open(path, "a") as f:
            f.write("x")
        if seed == 2 or (seed == 1 and tries == 0):
            raise RuntimeError(f"injected failure, seed {seed}, try {tries + 1}")
        return RunResult(name, protocol, schedule, seed, {"final_val_accuracy": 0.9}, {}, 0.0, 0.5, {}).to_dict()

    runner = RayRunner(num_cpus=2, task=task)
    arrived = []
    try:
        runs, failures = runner.run(
            ionosphere.BENCHMARK,
            "step",
            [0, 1, 2],
            "published",
            RunOptions(),
            on_run=lambda run: arrived.append(run.seed),
        )
    finally:
        runner.shutdown()
    assert sorted(runs) == sorted(arrived) == [0, 1]  # seed 1 passed on its retry
    assert failures == {2: "RuntimeError: injected failure, seed 2, try 2"}
    assert [(tmp_path / f"seed{s}").read_text() for s in (0, 1, 2)] == ["x", "xx", "xx"]  # tried at most twice
