"""bench/tools/cross_version.py: one column per environment, from results files."""

import json

import pytest

from bench.tools.cross_version import cross_table, load_summaries

ENV_A = {"tensorflow": "2.15.1", "keras": "2.15.0", "keras_backend": "tensorflow", "device": "CPU: x"}
ENV_B = {"tensorflow": "2.21.0", "keras": "3.15.1", "keras_backend": "tensorflow", "device": "CPU: x"}


def _session(root, env, mean):
    d = root / "20261121-000000-1"
    d.mkdir(parents=True)
    summary = {"n": 5, "mean": mean, "std": 0.01, "min": mean, "max": mean}
    record = {"kind": "summary", "benchmark": "ionosphere", "protocol": "published", "schedule": "step",
              "environment": env, "summaries": {"final_val_accuracy": summary, "final_train_loss": summary}}
    (d / "results.jsonl").write_text(json.dumps({"kind": "run", "seed": 0}) + "\n" + json.dumps(record) + "\n")


def test_same_case_side_by_side(tmp_path):
    _session(tmp_path / "tf215", ENV_A, 0.9897)
    _session(tmp_path / "tf221", ENV_B, 0.9862)
    text = cross_table(load_summaries([tmp_path / "tf215", tmp_path / "tf221"]))
    header, _, row = text.splitlines()[:3]
    assert "TF 2.15.1 / Keras 2.15.0 (tensorflow), CPU: x" in header and "TF 2.21.0 / Keras 3.15.1" in header
    assert row.split()[:4] == ["ionosphere", "published", "step", "final_val_accuracy"]
    assert "0.9897 +- 0.0100 (5)" in row and "0.9862 +- 0.0100 (5)" in row


def test_missing_results_say_how_to_make_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `pytest -m slow --bench-results="):
        load_summaries([tmp_path])
