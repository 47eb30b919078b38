"""bench/statistics/night_series.py: a benchmark's nights in a history store as series, and their shifts."""

import math

import pytest

from bench.statistics import changepoints, night_series
from bench.stores import history_store, results


def summary(benchmark, case, verdicts, environment):
    return results.record(
        "summary",
        benchmark=benchmark,
        protocol="published",
        case=case,
        schedule=case,
        seeds=[0, 1],
        environment=environment,
        summaries={},
        verdicts=verdicts,
    )


def verdict(metric, mean, std=0.01, n=20, verdict="pass", low=None, high=None):
    return {
        "metric": metric,
        "measured": {"n": n, "mean": mean, "std": std},
        "low": low,
        "high": high,
        "verdict": verdict,
    }


def store_of(tmp_path, nights):
    """A SQLite store of ``nights``: each a list of records, its night started on day k of November."""
    store = history_store.open_store(f"sqlite:///{tmp_path / 'h.sqlite'}")
    for k, records in enumerate(nights, start=1):
        night = store.night({"key": f"n{k}", "started": f"2026-11-{k:02d}T02:00:00Z", "environment": {}, "options": {}})
        store.add_many(night, records)
    return store


def test_a_history_is_each_case_and_gated_metric_night_by_night(tmp_path):
    env = {"tensorflow": "2.21.0", "keras": "3.15.1", "backend": "tensorflow", "device": "CPU: x"}
    store = store_of(
        tmp_path,
        [
            [summary("ionosphere", "step", [verdict("final_train_loss", 0.12, low=0.11, high=0.13)], env)],
            [
                summary(
                    "ionosphere",
                    "step",
                    [
                        verdict("final_train_loss", 0.125, std=0.02, n=10, verdict="CHANGED"),
                        verdict("best_val_accuracy", 0.9),
                    ],
                    {**env, "quick": False},
                ),
                results.record(
                    "failed",
                    benchmark="ionosphere",
                    protocol="published",
                    case="exp",
                    schedule="exp",
                    why="NonFiniteLoss: inf",
                    environment=env,
                ),
            ],
            [summary("digits", "step", [verdict("final_train_loss", 0.5)], env)],  # another benchmark's night
            [
                summary("ionosphere", "step", [verdict("final_train_loss", 0.9)], {**env, "quick": True}),
                results.record(
                    "not_trained",
                    benchmark="ionosphere",
                    protocol="published",
                    case="constant",
                    schedule="constant",
                    why="no GPU",
                    environment=env,
                ),
            ],
        ],
    )
    history = night_series.load(store, "ionosphere")
    assert history.benchmark == "ionosphere" and [n["key"] for n in history.nights] == ["n1", "n2", "n4"]
    assert history.night(3)["key"] == "n4"
    assert history.failed == [
        (2, "ionosphere/published/exp", "failed: NonFiniteLoss: inf"),
        (3, "ionosphere/published/constant", "not_trained: no GPU"),
    ]
    nightly, quick = history.series  # best_val_accuracy is not gated: no series
    assert (nightly.name, nightly.metric, nightly.quick, nightly.unit) == (
        "ionosphere/published/step",
        "final_train_loss",
        False,
        "loss",
    )
    assert quick.name == "ionosphere/published/step (quick pass)" and quick.quick
    first, second = nightly.points
    assert (first.night, first.mean, first.std, first.n, first.low, first.high, first.verdict) == (
        1,
        0.12,
        0.01,
        20,
        0.11,
        0.13,
        "pass",
    )
    assert (second.night, second.mean, second.std, second.n, second.verdict) == (2, 0.125, 0.02, 10, "CHANGED")
    assert second.environment == {**env, "quick": False} and first.environment == env
    assert [(p.night, p.mean) for p in quick.points] == [(3, 0.9)]


def test_a_shift_is_placed_between_its_nights_with_its_direction_and_alpha(tmp_path):
    env = {"tensorflow": "2.21.0"}
    nights = [[summary("ionosphere", "step", [verdict("final_train_loss", 0.10)], env)] for _ in range(5)]
    nights += [
        [summary("ionosphere", "step", [verdict("final_train_loss", 0.15)], {"tensorflow": "2.22.0"})] for _ in range(5)
    ]
    nights += [[summary("ionosphere", "exp", [verdict("final_val_accuracy", 0.9, std=0.0)], env)]]  # one night only
    history = night_series.load(store_of(tmp_path, nights), "ionosphere")
    (shift,) = night_series.analyse(history, alpha=0.01)
    assert (shift.night, shift.before_night, shift.alpha) == (6, 5, 0.01)  # one series of two nights or more
    assert shift.direction == "up" and shift.worse and shift.p_text == "< 1e-05"
    assert (shift.change.before, shift.change.after) == (pytest.approx(0.10), pytest.approx(0.15))
    before = shift.series.points[shift.change.at - 1].environment
    after = shift.series.points[shift.change.at].environment
    assert night_series.environment_changes(before, after) == [("tensorflow", "2.21.0", "2.22.0")]


def test_a_falling_accuracy_is_worse_and_a_falling_loss_is_not(tmp_path):
    def shift_of(metric, first, then):
        series = night_series.Series(
            "b", "p", "c", metric, [night_series.Point(k + 1, first if k < 5 else then, 0.01, 20) for k in range(10)]
        )
        (found,) = night_series.analyse(night_series.History("b", [{}] * 10, [series], []), alpha=0.01)
        return found

    accuracy, loss = shift_of("final_val_accuracy", 0.95, 0.90), shift_of("final_train_loss", 0.2, 0.1)
    assert (accuracy.direction, accuracy.worse) == ("down", True)
    assert (loss.direction, loss.worse) == ("down", False)
    assert shift_of("final_train_loss", 0.1, 0.2).worse


def test_the_alpha_is_split_over_the_series_tested_and_small_shifts_are_held_back():
    points = [night_series.Point(k + 1, 0.10 if k < 5 else 0.1005, 0.0, 20) for k in range(10)]  # exact, +0.5 %
    loss = night_series.Series("b", "p", "c", "final_train_loss", points)
    other = night_series.Series("b", "p", "d", "final_train_loss", [night_series.Point(1, 0.1, 0.0, 20)])
    assert night_series.analyse(night_series.History("b", [{}] * 10, [loss, other], [])) == []  # < 1 % of 0.1
    big = night_series.Series(
        "b",
        "p",
        "c",
        "final_train_loss",
        [night_series.Point(k + 1, 0.10 if k < 5 else 0.102, 0.0, 20) for k in range(10)],
    )
    flat = night_series.Series(
        "b", "p", "e", "final_train_loss", [night_series.Point(k + 1, 0.3, 0.0, 20) for k in range(10)]
    )
    (shift,) = night_series.analyse(night_series.History("b", [{}] * 10, [big, flat, other], []), alpha=0.01)
    assert shift.alpha == 0.005  # two series of two nights or more share the history's alpha


def test_min_shift_is_the_gates_own():
    assert night_series.min_shift("final_val_accuracy", 0.9) == 0.005  # its own margin
    assert night_series.min_shift("final_val_rmse", 3.2) == 0.05
    assert night_series.min_shift("final_train_loss", -0.2) == pytest.approx(0.002)  # 1 % of |level|


def test_environment_changes_leave_out_what_differs_every_night():
    before = {"tensorflow": "2.21.0", "date": "a", "gpu": "x", "keras": "3.15.1"}
    after = {"tensorflow": "2.21.0", "date": "b", "gpu": "y", "xla": True}
    assert night_series.environment_changes(before, after) == [("keras", "3.15.1", None), ("xla", None, True)]
    assert night_series.environment_changes(None, None) == []
    assert set(night_series.NOT_A_CHANGE) == {
        "date",
        "group_train_time_s",
        "seeds_together",
        "cuda_visible_devices",
        "gpu",
    }
    assert night_series.label(None) == night_series.label({})
    assert math.isclose(changepoints.HISTORY_ALPHA, 0.01)


def test_a_night_shared_with_another_benchmark_keeps_to_its_own_records(tmp_path):
    env = {"tensorflow": "2.21.0"}
    store = store_of(
        tmp_path,
        [
            [
                summary("digits", "step", [verdict("no_such_metric", 1.0), verdict("final_train_loss", 0.5)], env),
                summary("ionosphere", "step", [verdict("final_train_loss", 0.12)], env),
                results.record(
                    "failed",
                    benchmark="digits",
                    protocol="published",
                    case="exp",
                    schedule="exp",
                    why="stopped",
                    environment=env,
                ),
                results.record(
                    "not_trained",
                    benchmark="ionosphere",
                    protocol="published",
                    case="exp",
                    schedule="exp",
                    environment=env,
                ),  # a record of an older layout: no why
            ]
        ],
    )
    history = night_series.load(store, "ionosphere")
    assert history.failed == [(1, "ionosphere/published/exp", "not_trained: ")]
    assert [(s.name, [p.mean for p in s.points]) for s in history.series] == [("ionosphere/published/step", [0.12])]
    digits = night_series.load(store, "digits")  # a metric this version does not know is left out, not fatal
    assert [(s.name, s.metric) for s in digits.series] == [("digits/published/step", "final_train_loss")]


def test_a_two_night_series_is_tested_and_shifts_come_in_night_then_name_order():
    def series(case, means):
        return night_series.Series(
            "b", "p", case, "final_train_loss", [night_series.Point(k + 1, m, 0.0, 20) for k, m in enumerate(means)]
        )

    late = series("a", [0.1, 0.1, 0.1, 0.2])
    early = series("z", [0.1, 0.2, 0.2, 0.2])
    pair = series("m", [0.1, 0.3])
    shifts = night_series.analyse(night_series.History("b", [{}] * 4, [late, early, pair], []), alpha=0.01)
    assert [(s.night, s.series.case) for s in shifts] == [(2, "m"), (2, "z"), (4, "a")]
