"""bench/harness/summary.py: the end of a session in the benchmarks' own order, and the report files."""

import json

from bench.engine.records import METRICS
from bench.harness import summary
from bench.harness.session import BenchSession
from bench.statistics.verdicts import Verdict
from tests.harness.fakes import Reporter
from tests.harness.test_session import DEMO, baseline, config

ENV = {
    "tensorflow": "2.21.0",
    "keras": "3.15.1",
    "keras_backend": "tensorflow",
    "device": "CPU: test",
    "date": "2026-11-30T00:00:00Z",
}


def test_rows_follow_the_declared_order_of_benchmarks_protocols_cases_and_metrics():
    rows = [
        Verdict("digits", "holdout", "cosine", "final_val_accuracy", {}),
        Verdict("ionosphere", "stratified", "constant", "final_train_loss", {}),
        Verdict("ionosphere", "published", "exp", "mean_train_loss", {}),
        Verdict("ionosphere", "published", "exp", "final_val_accuracy", {}),
        Verdict("ionosphere", "published", "constant", "final_val_accuracy", {}),
        Verdict("zz_unknown", "p", "c", "final_val_accuracy", {}),
    ]
    ordered = sorted(rows, key=summary.table_order)
    assert [(v.benchmark, v.protocol, v.case, v.metric) for v in ordered] == [
        ("ionosphere", "published", "constant", "final_val_accuracy"),
        ("ionosphere", "published", "exp", "final_val_accuracy"),
        ("ionosphere", "published", "exp", "mean_train_loss"),
        ("ionosphere", "stratified", "constant", "final_train_loss"),
        ("digits", "holdout", "cosine", "final_val_accuracy"),
        ("zz_unknown", "p", "c", "final_val_accuracy"),
    ]  # unknown last, by name
    assert list(METRICS).index("final_val_accuracy") < list(METRICS).index("mean_train_loss")


def test_seed_ranges_are_said_once_when_every_benchmark_shares_them():
    assert summary.seed_text({"a": [0, 1, 2], "b": [0, 1, 2]}) == "0..2"
    assert (
        summary.seed_text({"ionosphere": list(range(20)), "digits": list(range(10))}) == "ionosphere 0..19, digits 0..9"
    )


def test_the_section_the_lines_after_it_and_the_reports(tmp_path):
    baseline(tmp_path)
    session = BenchSession(config(tmp_path))
    session.run_case(DEMO, "p", "c")
    session.selected = [("demo", "p", "c"), ("digits", "holdout", "step")]
    session.books.not_trained[("digits", "holdout", "step")] = "needs nothing, skipped by the test"
    reporter = Reporter()
    reports = {"md": tmp_path / "r.md", "json": tmp_path / "r.json", "dir": None}
    summary.write(session, reporter, ENV, reports)
    text = reporter.text
    assert reporter.lines[0] == "== learning-rate schedule benchmarks =="
    assert (
        "measured here: TF 2.21.0 / Keras 3.15.1 (tensorflow), CPU: test, seeds 0..2 per case; results in "
        in " ".join(line.strip() for line in reporter.lines)
    )  # wrapped to the table's width
    row = next(line for line in reporter.lines if line.startswith("demo ") and "final_val_accuracy" in line)
    assert row.split()[:3] == ["demo", "p", "c"] and row.split()[-1] == "pass"
    assert reporter.lines.index(f"JSON report: {reports['json']}") < reporter.lines.index(row)
    assert "| demo " in reports["md"].read_text()
    assert [v["case"] for v in json.loads(reports["json"].read_text())["verdicts"]] == ["c", "c", "c"]
    # the end of the run: the table, its notes, then why cases did not train; nothing wider than the table
    assert reporter.lines[-1] == "did not train: digits/holdout/step: needs nothing, skipped by the test"
    header = next(i for i, line in enumerate(reporter.lines) if line.startswith("benchmark "))
    width = len(reporter.lines[header + 1])  # the rule under the header spans the table
    assert all(len(line) <= width for line in reporter.lines)
    assert "INJECTED" not in text


def test_long_lines_are_wrapped_at_spaces_to_the_table_s_width():
    assert summary.wrapped("short", 10) == ["short"]
    assert summary.wrapped("aaaa bbbb cccc dddd", 10) == ["aaaa bbbb", "    cccc", "    dddd"]
    assert summary.wrapped("--bench-case=x/y --update-baselines", 20) == ["--bench-case=x/y", "    --update-baselines"]
    assert summary.wrapped("a /a/path/longer/than/the/width b", 10) == [
        "a",
        "    /a/path/longer/than/the/width",
        "    b",
    ]


def test_a_session_with_a_regression_injected_says_so_under_its_environment(tmp_path):
    baseline(tmp_path)
    session = BenchSession(config(tmp_path, bench_inject="nesterov"))
    session.run_case(DEMO, "p", "c")
    reporter = Reporter()
    summary.write(session, reporter, session.environment() | ENV | {"injected": "nesterov"}, {})
    unwrapped = " ".join(line.strip() for line in reporter.lines[1:])
    assert unwrapped.startswith(
        "measured here: TF 2.21.0 / Keras 3.15.1 (tensorflow), CPU: test [injected: nesterov], seeds 0..2 per case"
    )
    assert (
        "INJECTED regression nesterov (optimizer): Nesterov momentum switched on; cases with plain momentum only. "
        "These verdicts measure the suite's power to see it, not the library."
    ) in unwrapped


def test_a_session_that_trained_nothing_says_why(tmp_path):
    session = BenchSession(config(tmp_path, bench_strict=True))
    session.selected = [("digits", "holdout", "step")]
    session.books.not_trained[("digits", "holdout", "step")] = "no GPU"
    reporter = Reporter(stats={"failed": [object()]})
    summary.write(session, reporter, ENV, {})
    assert reporter.lines == [
        "no benchmark case trained: 1 selected, 1 failed before training, 0 skipped; "
        "--bench-strict: this session fails",
        "did not train: digits/holdout/step: no GPU",
    ]
