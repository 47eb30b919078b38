"""bench/report.py: tables and files rendered from verdict records."""

import json

from bench.harness import baselines
from bench.report.tables import render_comparison, render_json, render_markdown

PROV = {"source": "measured", "tensorflow": "2.21.0", "keras": "3.15.1", "device": "CPU: test",
        "date": "2026-11-21", "command": "pytest -m slow --update-baselines"}
S = {"n": 5, "mean": 0.98, "std": 0.01, "min": 0.97, "max": 0.99}


def _verdicts():
    doc = baselines.updated(None, "demo", {("p", "s"): {"final_val_accuracy": S}}, PROV)
    return baselines.judge(doc, "demo", "p", "s", {"final_val_accuracy": dict(S, mean=0.9)}, majority_rate=0.922)


def test_terminal_table_has_every_column_and_a_unit():
    text = render_comparison(_verdicts())
    for part in ("benchmark", "measured mean +- std (n)", "final_val_accuracy [fraction]", ">= 0.9610 (mean 0.9800)",
                 "0.9000 +- 0.0100 (5)", "-0.0800", "FAIL",
                 "majority class scores 0.922", "n=5 seeds, TF 2.21.0 / Keras 3.15.1, CPU: test"):
        assert part in text


def test_markdown_is_a_github_table():
    md = render_markdown(_verdicts(), ["Measured: here"])
    assert md.startswith("# Learning-rate schedule benchmarks\n")
    assert "| demo " in md and "|---" in md.replace(" ", "").replace(":", "")
    assert "- demo / p: always predicting" in md


def test_json_round_trips_the_verdicts():
    doc = json.loads(render_json(_verdicts(), {"tensorflow": "2.21.0"}))
    (v,) = doc["verdicts"]
    assert (v["metric"], v["verdict"], v["measured"]["mean"]) == ("final_val_accuracy", "FAIL", 0.9)
    assert v["baseline"]["provenance"]["keras"] == "3.15.1"
