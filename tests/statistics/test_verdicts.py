"""bench/statistics/verdicts.py: what a judged metric says to its reader, and its JSON record."""

import pytest

from tests.statistics.test_gates import TWO_LEVELS, entry, judged, measured


def test_changed_message_names_the_direction_the_band_the_p_value_and_the_command():
    message = judged("final_train_loss", 0.09, entry(TWO_LEVELS["loss"], better="lower")).failure_message()
    for part in (
        "demo/p/s: CHANGED: final_train_loss 0.0900 vs 0.1100 +- 0.0103 (n=20, TF 2.21.0",
        "lower by -18.2 %",
        "p < 1e-05 (alpha 0.01)",
        "outside 0.0988..0.1212 [loss]",
        "pytest -m slow --bench-case=demo/p/s --update-baselines --bench-seeds=40 --bench-first-seed=1000",
    ):
        assert part in message


def test_worse_message_names_the_limit_the_baseline_and_the_fix():
    message = judged("final_val_accuracy", 0.95, entry(TWO_LEVELS["acc"])).failure_message()
    for part in (
        "demo/p/s: WORSE: final_val_accuracy mean 0.9500 +- 0.0100 (n=5, fraction) is below 0.9688",
        "-3.1 % against the baseline 0.9800",
        "--update-baselines",
    ):
        assert part in message


def test_a_published_figure_says_where_it_comes_from():
    published = {
        "n": 1,
        "mean": 0.8652,
        "std": 0.0,
        "threshold": 0.86,
        "better": "higher",
        "provenance": {"source": "published", "reference": "source A"},
    }
    assert (
        "published figure (source A), not yet reproduced here"
        in judged("final_val_accuracy", 0.5, published).failure_message()
    )


def test_a_case_without_baseline_names_the_command_that_measures_it():
    message = judged("final_val_accuracy", 0.9, None).failure_message()
    assert message.startswith(
        "demo/p/s: no baseline entry for any gate of this case (measured final_val_accuracy "
        "0.9000 +- 0.0100, n=5, fraction)"
    )
    assert message.endswith("--bench-case=demo/p/s --update-baselines --bench-seeds=40 --bench-first-seed=1000")


def test_the_json_record_leaves_out_the_seed_values():
    d = judged("final_val_accuracy", 0.98, entry(TWO_LEVELS["acc"])).to_dict()
    assert "values" not in d["baseline"] and d["gated"] and d["unit"] == "fraction"
    assert (d["case"], d["metric"]) == ("s", "final_val_accuracy") and abs(d["delta"]) < 1e-12


def test_a_changed_rise_reads_higher_whatever_its_size():
    """A loss that rose by 0.02 is 'higher' (a rise below 1.0 is still a rise)."""
    message = judged("final_train_loss", 0.13, entry(TWO_LEVELS["loss"], better="lower")).failure_message()
    assert "higher by +18.2 %" in message and "lower" not in message.split("CHANGED:")[1].split(";")[0]


def test_provenance_reads_each_field_and_says_what_is_missing():
    from bench.statistics.verdicts import provenance_text

    measured = {"tensorflow": "2.21.0", "keras": "3.15.1", "device": "CPU: x", "date": "2026-11-21"}
    assert provenance_text(measured) == "TF 2.21.0 / Keras 3.15.1, CPU: x, 2026-11-21"
    assert provenance_text({}) == "TF ? / Keras ?, ?, ?"
    assert provenance_text({"source": "published", "reference": "source A"}) == (
        "published figure (source A), not yet reproduced here"
    )
    assert provenance_text({"source": "published"}) == (
        "published figure (see docs/reference.md#sources), not yet reproduced here"
    )


def test_whole_messages_of_a_worse_rmse_and_a_change_without_a_p_value():
    from bench.statistics import gates
    from bench.statistics.verdicts import Verdict

    rmse = entry([3.0] * 10 + [3.4] * 10, better="lower")
    worse = judged("final_val_rmse", 3.8, rmse)  # 3.8 - 3.2 is 0.59999... in binary: +18.7 %, not +18.8
    assert worse.failure_message().startswith(
        "demo/p/s: WORSE: final_val_rmse mean 3.8000 +- 0.0100 (n=5, k$) is above 3.4236 (+18.7 % against the "
        "baseline 3.2000 +- 0.2052 (n=20, TF 2.21.0 / Keras 3.15.1, CPU: test, 2026-11-21T00:00:00Z)), "
        "p < 1e-05 (alpha 0.01). "
    )
    zero = {**entry([0.0] * 20, better="lower"), "mean": 0.0}
    changed = Verdict("demo", "p", "s", "final_train_loss", measured(0.5), baseline=zero, verdict="CHANGED")
    changed.low, changed.high, changed.alpha = -0.1, 0.1, 0.01
    assert changed.failure_message().startswith(
        "demo/p/s: CHANGED: final_train_loss 0.5000 vs 0.0000 +- 0.0000 (n=20, TF 2.21.0 / Keras 3.15.1, CPU: test, "
        "2026-11-21T00:00:00Z), higher by +0.5; outside -0.1000..0.1000 [loss]. Training no longer behaves as it did."
    )
    assert gates.DRAWS == 100_000  # "p < 1e-05" above is one over the draws


def test_p_values_print_as_the_draws_resolve_them():
    from bench.statistics.verdicts import _p_text

    assert _p_text(0.0) == "< 1e-05" and _p_text(0.0321) == "= 0.032" and _p_text(1e-5) == "= 1e-05"


def test_a_case_is_judged_metric_by_metric_against_its_entries():
    from bench.engine.records import CaseId, RunResult
    from bench.statistics.verdicts import judge_case

    def run(seed, acc):
        metrics = {"final_val_accuracy": acc, "final_train_loss": 0.11, "best_val_accuracy": acc}
        return RunResult("demo", "p", "s", seed, metrics, {}, 1.0, 0.25 if seed == 0 else 0.5, {})

    entries = {"final_val_accuracy": entry(TWO_LEVELS["acc"]), "final_train_loss": entry(TWO_LEVELS["loss"], "lower")}
    runs = [run(s, acc) for s, acc in enumerate([0.97, 0.96, 0.96, 0.97, 0.96])]  # mean 0.964: below 0.96882
    verdicts = judge_case(
        CaseId("demo", "p", "s"),
        runs,
        entries,
        0.01,
        baseline_seeds=[3, 1000],
        schedule="step",
        reference_note="a note",
    )
    by_metric = {v.metric: v for v in verdicts}
    assert [v.metric for v in verdicts] == ["final_val_accuracy", "final_train_loss", "best_val_accuracy"]
    assert (by_metric["final_val_accuracy"].verdict, by_metric["final_val_accuracy"].alpha) == ("FAIL", 0.01)
    assert by_metric["final_val_accuracy"].measured["n"] == 5
    assert by_metric["final_val_accuracy"].measured["mean"] == pytest.approx(0.964)
    assert by_metric["final_train_loss"].verdict == "pass"  # 0.11 on every seed: the baseline's own mean
    assert by_metric["best_val_accuracy"].verdict == "new"  # no entry for it
    assert all(v.seeds_overlap for v in verdicts)  # seed 3 is one of the entries' seeds
    # the majority rate is the validation set's, one per case: read from the first seed
    assert {(v.schedule, v.reference_note, v.majority_rate) for v in verdicts} == {("step", "a note", 0.25)}
    assert {(v.benchmark, v.protocol, v.case) for v in verdicts} == {("demo", "p", "s")}
    fresh = judge_case(CaseId("demo", "p", "s"), runs, entries, 0.01, baseline_seeds=[1000])
    assert not any(v.seeds_overlap for v in fresh) and fresh[0].schedule is None
