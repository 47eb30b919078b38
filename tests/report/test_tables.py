"""bench/report/tables.py: tables and files rendered from verdict records."""

import json

from bench.report.tables import render_comparison, render_json, render_markdown
from bench.statistics import gates
from bench.statistics.verdicts import Verdict
from bench.stores import baselines

PROV = {
    "source": "measured",
    "tensorflow": "2.21.0",
    "keras": "3.15.1",
    "device": "CPU: test",
    "date": "2026-11-21",
    "command": "pytest -m slow --update-baselines",
    "seeds": list(range(1000, 1020)),
}
S = {"n": 5, "mean": 0.98, "std": 0.01, "min": 0.97, "max": 0.99}


def _verdicts():
    doc = baselines.updated(
        None,
        "demo",
        {("p", "s"): {"final_val_accuracy": [0.97] * 10 + [0.99] * 10, "final_train_loss": [0.10] * 10 + [0.12] * 10}},
        PROV,
    )
    entries = doc["cases"]["p"]["s"]
    return [
        gates.judge_metric(
            Verdict("demo", "p", "s", metric, summary, baseline=entries[metric], majority_rate=0.922, schedule="step"),
            0.01,
        )
        for metric, summary in (("final_val_accuracy", dict(S, mean=0.9)), ("final_train_loss", dict(S, mean=0.09)))
    ]


def test_terminal_table_has_every_column_and_a_unit():
    text = render_comparison(_verdicts())
    # worse: the lowest 5-seed mean of the baseline's seeds, 0.97, has p = 1/32 > 0.01, so the limit is
    # 0.98 - 0.01 * sqrt(1 + 5/20) = 0.9688; changed: 0.11 -/+ 0.01 * sqrt(1.25) = 0.0988 .. 0.1212
    for part in (
        "benchmark",
        "measured mean +- std (n)",
        "final_val_accuracy [fraction]",
        ">= 0.9688 (mean 0.9800)",
        "0.9000 +- 0.0100 (5)",
        "-0.0800",
        "FAIL",
        "final_train_loss [loss]",
        "0.0988 .. 0.1212 (mean 0.1100)",
        "CHANGED",
        "majority class scores 0.922",
        "n=20 seeds, TF 2.21.0 / Keras 3.15.1, CPU: test",
        "gates: worse (one-sided, headline metric) and changed",
        "alpha 0.01",
        "schedules gated in this run: step: demo (s)",
    ):
        assert part in text


def test_markdown_is_a_github_table():
    md = render_markdown(_verdicts(), ["Measured: here"])
    assert md.startswith("# Learning-rate schedule benchmarks\n")
    assert "| demo " in md and "|---" in md.replace(" ", "").replace(":", "")
    assert "- demo / p: always predicting" in md


def test_json_round_trips_the_verdicts():
    doc = json.loads(render_json(_verdicts(), {"tensorflow": "2.21.0"}))
    v, changed = doc["verdicts"]
    assert (v["metric"], v["verdict"], v["measured"]["mean"]) == ("final_val_accuracy", "FAIL", 0.9)
    assert (changed["verdict"], changed["question"], changed["schedule"]) == ("CHANGED", "changed", "step")
    assert v["baseline"]["provenance"]["keras"] == "3.15.1" and "values" not in v["baseline"]


def test_a_quick_pass_s_cases_say_they_were_trained_and_not_judged():
    quick = [Verdict("demo", "p", "s", "final_val_accuracy", S, verdict="quick", schedule="step")]
    row = next(line for line in render_comparison(quick).splitlines() if line.startswith("demo"))
    assert row.split()[5:] == ["-", "0.9800", "+-", "0.0100", "(5)", "-", "quick:", "trained,", "not", "judged"]
