"""bench/baselines.py: the threshold rule, file checks, verdicts, updates."""

import json

import pytest

import bench.benchmarks.ionosphere as io
from bench.harness import baselines
from bench.harness.baselines import BaselineError

PROV = {"source": "measured", "tensorflow": "2.21.0", "keras": "3.15.1", "device": "CPU: test",
        "date": "2026-11-21T00:00:00Z", "command": "pytest -m slow --update-baselines"}


def S(mean, std, n=5):
    return {"n": n, "mean": mean, "std": std, "min": mean - std, "max": mean + std}


def test_threshold_rule_by_hand():
    # margin = 3 * 0.01 * sqrt(2/5) = 0.018974; 0.98 - 0.018974 = 0.961026, floored to 4 places
    assert baselines.threshold(S(0.98, 0.01), "final_val_accuracy")[0] == 0.9610
    # loss, lower is better: 0.04 + 3 * 0.003 * sqrt(0.4) = 0.045692, ceiled
    assert baselines.threshold(S(0.04, 0.003), "final_train_loss")[0] == 0.0457
    # no spread: the metric's minimum margin (0.01 for accuracy, 2 epochs for epochs_to_target)
    assert baselines.threshold(S(0.98, 0.0), "final_val_accuracy")[0] == 0.97
    assert baselines.threshold(S(5.0, 0.0), "epochs_to_target")[0] == 7.0
    assert baselines.threshold(S(0.98, 0.0), "final_val_accuracy")[1] == \
        "mean - max(3 * std * sqrt(2 / n), 0.01 fraction)"


def _doc(**case_metrics):
    return baselines.updated(None, "demo", {("p", "s"): case_metrics}, PROV)


def _write(tmp_path, data):
    path = tmp_path / "demo.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_missing_file_names_it_and_the_command(tmp_path):
    with pytest.raises(BaselineError, match=r"No baseline file .*demo\.json .*--update-baselines"):
        baselines.load("demo", tmp_path)


@pytest.mark.parametrize("content, match", [
    ("{not json", r"is not valid JSON \(.* at line 1"),
    ('{"format": 1, "benchmark": "other", "cases": {}}', "it is for benchmark 'other', not 'demo'"),
    ('{"format": 2, "benchmark": "demo", "cases": {}}', "format is 2"),
    ('{"format": 1, "benchmark": "demo"}', "no 'cases' object"),
    ('{"format": 1, "benchmark": "demo", "cases": {"p": {"s": {"final_val_accuracy": {"n": 5}}}}}',
     "p/s/final_val_accuracy lacks mean, std, threshold"),
    ('{"format": 1, "benchmark": "demo", "cases": {"p": {"s": {"accuracy": {}}}}}', "unknown metric at p/s/accuracy"),
])
def test_malformed_file_names_the_file_and_the_problem(tmp_path, content, match):
    path = _write(tmp_path, content)
    with pytest.raises(BaselineError, match=match) as err:
        baselines.load("demo", tmp_path)
    assert str(path) in str(err.value) and "git checkout" in str(err.value)


def test_missing_entry_names_the_key(tmp_path):
    _write(tmp_path, _doc(final_val_accuracy=S(0.98, 0.01)))
    doc = baselines.load("demo", tmp_path)
    with pytest.raises(BaselineError, match=r"demo\.json has no entry p/other/final_val_accuracy"):
        baselines.entry(doc, "p", "other", "final_val_accuracy", tmp_path)


def test_verdicts_pass_fail_info_new(tmp_path):
    doc = _doc(final_val_accuracy=S(0.98, 0.01), best_val_accuracy=S(0.99, 0.01))
    ok, info = baselines.judge(doc, "demo", "p", "s", {"final_val_accuracy": S(0.962, 0.01),
                                                       "best_val_accuracy": S(0.5, 0.01)})
    assert (ok.verdict, info.verdict) == ("pass", "info")  # 0.962 >= 0.9610; best is not gated
    (bad,) = baselines.judge(doc, "demo", "p", "s", {"final_val_accuracy": S(0.95, 0.02)})
    assert bad.verdict == "FAIL" and bad.shortfall == pytest.approx(0.011)
    msg = bad.failure_message()
    for part in ("demo / p / s: final_val_accuracy mean 0.9500", "below the threshold 0.9610 by 0.0110",
                 "TF 2.21.0 / Keras 3.15.1", "pytest -m slow -k 'demo and p and s' --update-baselines"):
        assert part in msg
    (new,) = baselines.judge(None, "demo", "p", "s", {"final_val_accuracy": S(0.9, 0.0)})
    assert new.verdict == "new" and new.delta is None


def test_update_replaces_measured_cases_and_keeps_the_rest():
    old = baselines.updated(None, "demo", {("p", "a"): {"final_val_accuracy": S(0.9, 0.01)},
                                           ("p", "b"): {"final_val_accuracy": S(0.8, 0.01)}}, PROV)
    new = baselines.updated(old, "demo", {("p", "a"): {"final_val_accuracy": S(0.95, 0.01)}}, PROV)
    assert new["cases"]["p"]["b"] == old["cases"]["p"]["b"]
    assert new["cases"]["p"]["a"]["final_val_accuracy"]["mean"] == 0.95
    assert old["cases"]["p"]["a"]["final_val_accuracy"]["mean"] == 0.9  # old document untouched
    rows = {r[1]: r for r in baselines.diff_rows(old, new)}
    assert rows["a"][5:] == (0.9, 0.95, pytest.approx(0.05))


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path):
    path = _write(tmp_path, {"format": 1, "benchmark": "demo", "cases": {}})
    before = path.read_text()
    with pytest.raises(TypeError):
        baselines.write_atomic(path, {"bad": object()})
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["demo.json"]  # no temporary file left


def test_committed_ionosphere_baseline_is_valid_and_complete():
    doc = baselines.load("ionosphere")
    for protocol in io.BENCHMARK.protocols:
        for schedule in io.BENCHMARK.schedules:
            e = baselines.entry(doc, protocol, schedule, "final_val_accuracy")
            assert e["n"] >= 5 and e["provenance"]["tensorflow"] and e["provenance"]["device"]
            assert e["threshold"] < e["mean"]
