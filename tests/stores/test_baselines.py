"""bench/stores/baselines.py: the file format, its checks, updates and atomic writes."""

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bench import benchmarks
from bench.statistics import gates
from bench.stores import baselines
from bench.stores.baselines import BaselineError

PROV = {
    "source": "measured",
    "tensorflow": "2.21.0",
    "keras": "3.15.1",
    "device": "CPU: test",
    "date": "2026-11-21T00:00:00Z",
    "command": "pytest -m slow --update-baselines",
    "seeds": [0, 1, 2],
}


def _doc(**case_values):
    return baselines.updated(None, "demo", {("p", "s"): case_values}, PROV)


def _write(tmp_path, data):
    path = tmp_path / "demo.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_an_entry_keeps_every_seed_s_value_and_its_summary():
    entry = _doc(final_val_accuracy=[0.9, 0.95, 1.0])["cases"]["p"]["s"]["final_val_accuracy"]
    assert entry["values"] == [0.9, 0.95, 1.0] and entry["n"] == 3
    assert entry["mean"] == pytest.approx(0.95) and entry["std"] == pytest.approx(0.05)  # by hand: ddof 1
    assert (entry["min"], entry["max"], entry["question"], entry["better"]) == (0.9, 1.0, "worse", "higher")
    assert entry["provenance"]["seeds"] == [0, 1, 2]


def test_missing_file_names_it_and_the_command(tmp_path):
    with pytest.raises(BaselineError, match=r"No baseline file .*demo\.json .*--update-baselines"):
        baselines.load("demo", tmp_path)


@pytest.mark.parametrize(
    "content, match",
    [
        ("{not json", r"is not valid JSON \(.* at line 1"),
        ('{"format": 2, "benchmark": "other", "cases": {}}', "it is for benchmark 'other', not 'demo'"),
        ('{"format": 1, "benchmark": "demo", "cases": {}}', "format is 1, this suite reads format 2 .*re-measure"),
        ('{"format": 2, "benchmark": "demo"}', "no 'cases' object"),
        (
            '{"format": 2, "benchmark": "demo", "cases": {"p": {"s": {"final_val_accuracy": {"n": 5}}}}}',
            "p/s/final_val_accuracy lacks mean, std, better, provenance",
        ),
        (
            '{"format": 2, "benchmark": "demo", "cases": {"p": {"s": {"accuracy": {}}}}}',
            "unknown metric at p/s/accuracy",
        ),
        (
            '{"format": 2, "benchmark": "demo", "cases": {"p": {"s": {"final_val_accuracy": {"n": 2, "mean": 0.9, '
            '"std": 0.0, "better": "higher", "provenance": {}, "values": [0.9]}}}}}',
            "lacks its 2 per-seed 'values'",
        ),
        (
            '{"format": 2, "benchmark": "demo", "cases": {"p": {"s": {"final_val_accuracy": {"n": 1, "mean": 0.9, '
            '"std": 0.0, "better": "higher", "provenance": {"source": "published"}}}}}}',
            "published figure without its floor",
        ),
    ],
)
def test_malformed_file_names_the_file_and_the_problem(tmp_path, content, match):
    path = _write(tmp_path, content)
    with pytest.raises(BaselineError, match=match) as err:
        baselines.load("demo", tmp_path)
    assert str(path) in str(err.value) and "git checkout" not in str(err.value)  # tmp_path is not in git
    assert f"restore it from your own copy: {tmp_path} is not this repository's baselines/ folder" in str(err.value)


def test_a_broken_repository_baseline_is_restored_with_git(monkeypatch, tmp_path):
    monkeypatch.setattr(baselines, "DEFAULT_DIR", tmp_path.resolve())
    _write(tmp_path, "{not json")
    with pytest.raises(BaselineError, match=r"not valid JSON .*restore it with `git checkout -- baselines/demo\.json`"):
        baselines.load("demo", tmp_path)


def test_missing_case_names_the_key(tmp_path):
    _write(tmp_path, _doc(final_val_accuracy=[0.98, 0.97]))
    doc = baselines.load("demo", tmp_path)
    with pytest.raises(BaselineError, match=r"demo\.json has no entry p/other\. .*--update-baselines"):
        baselines.case_entries(doc, "p", "other", tmp_path)


def test_update_replaces_measured_cases_and_keeps_the_rest():
    old = baselines.updated(
        None,
        "demo",
        {("p", "a"): {"final_val_accuracy": [0.9, 0.9]}, ("p", "b"): {"final_val_accuracy": [0.8, 0.8]}},
        PROV,
    )
    new = baselines.updated(old, "demo", {("p", "a"): {"final_val_accuracy": [0.95, 0.95, 0.95]}}, PROV)
    assert new["cases"]["p"]["b"] == old["cases"]["p"]["b"]
    assert new["cases"]["p"]["a"]["final_val_accuracy"]["mean"] == pytest.approx(0.95)
    assert old["cases"]["p"]["a"]["final_val_accuracy"]["mean"] == 0.9  # old document untouched
    rows = {r[1]: r for r in baselines.diff_rows(old, new)}
    assert rows["a"][3:] == pytest.approx((2, 3, 0.9, 0.95, 0.05))


def test_the_seeds_a_case_was_measured_on():
    assert baselines.seeds_of(_doc(final_val_accuracy=[0.9, 0.9, 0.9]), "p", "s") == [0, 1, 2]
    assert baselines.seeds_of(None, "p", "s") == [] and baselines.seeds_of(_doc(), "p", "x") == []


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path):
    path = _write(tmp_path, {"format": 2, "benchmark": "demo", "cases": {}})
    before = path.read_text()
    with pytest.raises(TypeError):
        baselines.write_atomic(path, {"bad": object()})
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["demo.json"]  # no temporary file left


def test_write_atomic_keeps_the_file_s_mode_and_gives_a_new_one_the_umask_s(tmp_path):
    path = _write(tmp_path, {"format": 2, "benchmark": "demo", "cases": {}})
    os.chmod(path, 0o644)
    baselines.write_atomic(path, {"format": 2, "benchmark": "demo", "cases": {}, "x": 1})
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # mkstemp alone would leave 0600
    old = os.umask(0o022)
    try:
        baselines.write_atomic(tmp_path / "new.json", {})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644


@pytest.mark.parametrize("name", [b.name for b in benchmarks.all_benchmarks() if not b.needs_gpu])
def test_committed_cpu_baselines_have_enough_seeds_and_say_where_they_come_from(name):
    doc = baselines.load(name)
    declared = benchmarks.get(name)
    for protocol, case in declared.protocol_cases():
        entries = baselines.case_entries(doc, protocol, case)
        for metric in (declared.metric, "final_train_loss", "mean_train_loss"):
            e = entries[metric]
            assert e["n"] >= gates.MIN_BASELINE_SEEDS and len(e["values"]) == e["n"]
            assert e["provenance"]["tensorflow"] and e["provenance"]["device"] and e["provenance"]["seeds"]
            assert min(e["provenance"]["seeds"]) >= 1000  # measured on seeds a default nightly (0..) never runs


def test_the_default_folder_is_the_baselines_package_of_this_checkout():
    root = Path(__file__).resolve().parents[2]
    assert baselines.DEFAULT_DIR == root / "baselines"
    assert {p.stem for p in baselines.DEFAULT_DIR.glob("*.json")} == set(benchmarks.names())


@pytest.mark.e2e  # pip builds and installs the suite: about 15 s
def test_an_installed_copy_finds_the_baselines_it_carries(tmp_path):
    """Installed (not editable, no checkout beside it), the suite reads the baseline files the wheel carries."""
    root = Path(__file__).resolve().parents[2]
    source = tmp_path / "source"
    shutil.copytree(
        root,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", ".tox", "mutants", "site", "results", "build", "*.egg-info", "__pycache__", ".*cache*"
        ),
    )
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--target",
            str(site),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    shutil.rmtree(source)  # nothing of a checkout is left to find
    probe = (
        "from bench.stores import baselines; print(baselines.DEFAULT_DIR); print(baselines.load('digits')['benchmark'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(site)},
    ).stdout.split()
    assert out == [str(site / "baselines"), "digits"]


def test_an_environment_is_named_by_its_versions_backend_and_device():
    tf = {"tensorflow": "2.15.1", "keras": "2.15.0", "keras_backend": "tensorflow", "device": "CPU: x"}
    assert baselines.environment_label(tf) == "TF 2.15.1 / Keras 2.15.0 (tensorflow), CPU: x"
    jax = {"keras": "3.15.1", "keras_backend": "jax", "jax": "0.10.2", "device": "CPU: x", "tensorflow": "2.21.0"}
    assert baselines.environment_label(jax) == "Keras 3.15.1 (jax 0.10.2), CPU: x"  # TF installed beside it: not used
