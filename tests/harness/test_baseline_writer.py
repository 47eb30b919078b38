"""bench/harness/baseline_writer.py: only what ran is written, reviewed first, with its provenance."""

import json
import types

from bench.harness import baseline_writer
from bench.harness.session import BenchSession
from bench.stores import baselines
from tests.harness.fakes import Reporter
from tests.harness.test_session import DEMO, baseline, config
from tests.harness.test_summary import ENV

PYTHON = {**ENV, "python": "3.11.9", "keras_backend": "tensorflow"}


def _session(tmp_path, **options):
    session = BenchSession(config(tmp_path, **options))
    session.config.invocation_params = types.SimpleNamespace(args=("-m", "slow", "--update-baselines"))
    return session


def test_an_update_writes_the_cases_that_ran_with_their_provenance_after_the_review_table(tmp_path):
    measuring = _session(tmp_path, update_baselines=True, bench_seeds=20, bench_first_seed=1000)
    measuring.run_case(DEMO, "p", "c")
    reporter = Reporter()
    baseline_writer.update(measuring, reporter, PYTHON)
    path = baselines.path_for("demo", tmp_path / "baselines")
    doc = json.loads(path.read_text())
    entry = doc["cases"]["p"]["c"]["final_val_accuracy"]
    assert entry["n"] == 20 and entry["provenance"]["seeds"] == list(range(1000, 1020))
    assert entry["provenance"]["command"] == "pytest -m slow --update-baselines"
    assert entry["provenance"]["tensorflow"] == "2.21.0" and entry["provenance"]["how"].startswith("engine ")
    assert reporter.lines[0] == "== baseline update (review this before committing) =="
    assert reporter.text.index("new") < reporter.text.index(f"wrote {path}")  # the review table first


def test_confirming_adds_this_environment_to_the_cases_that_held_and_names_the_others(tmp_path):
    baseline(tmp_path)
    session = _session(tmp_path, bench_confirm_baselines=True)
    session.run_case(DEMO, "p", "c")
    session.books.verdicts[0].verdict = "CHANGED"  # as if one gate of another case had failed
    session.books.verdicts[0].case = "other"
    reporter = Reporter()
    baseline_writer.confirm(session, reporter, PYTHON)
    doc = json.loads(baselines.path_for("demo", tmp_path / "baselines").read_text())
    label = baselines.environment_label(PYTHON)
    assert all(label in e.get("holds_for", []) for e in doc["cases"]["p"]["c"].values())
    assert reporter.lines[1].endswith(f"demo.json: 1 case(s) hold for {label}")
    assert reporter.lines[2] == (
        f"demo/p/other differs beyond noise on {label}: not confirmed; it needs its own baseline for this environment"
    )
