"""bench/statistics/gates.py: the worse and changed questions, by hand on small baselines."""

import math

import numpy as np
import pytest

from bench.statistics import gates
from bench.statistics.verdicts import Verdict

PROV = {
    "source": "measured",
    "tensorflow": "2.21.0",
    "keras": "3.15.1",
    "device": "CPU: test",
    "date": "2026-11-21T00:00:00Z",
    "seeds": list(range(1000, 1020)),
}
# 20 baseline seeds: ten at a, ten at b. The mean of 5 draws is a + (b - a) * k / 5, k ~ Binomial(5, 1/2).
TWO_LEVELS = {"acc": [0.97] * 10 + [0.99] * 10, "loss": [0.10] * 10 + [0.12] * 10}
SCALE = math.sqrt(1 + 5 / 20)  # the baseline mean's own noise: sqrt(1 + n / B) = 1.1180


def entry(values, better="higher"):
    v = np.asarray(values)
    return {
        "n": len(v),
        "mean": float(v.mean()),
        "std": float(v.std(ddof=1)),
        "min": float(v.min()),
        "max": float(v.max()),
        "values": list(values),
        "better": better,
        "provenance": PROV,
    }


def measured(mean, n=5, std=0.01):
    return {"n": n, "mean": mean, "std": std, "min": mean - std, "max": mean + std}


def judged(metric, mean, baseline, alpha=0.01):
    return gates.judge_metric(Verdict("demo", "p", "s", metric, measured(mean), baseline=baseline), alpha)


def test_resampled_deviations_by_hand():
    assert np.all(gates.null_deviations([0.5] * 20, 5) == 0.0)
    dev = gates.null_deviations([0.0, 1.0], 1, draws=1000)
    # one draw from {0, 1}: 0.5 off the mean either way, times sqrt(1 + 1/2)
    assert set(np.round(dev, 12)) == {-0.612372435696, 0.612372435696}
    assert np.array_equal(gates.null_deviations(TWO_LEVELS["acc"], 5), gates.null_deviations(TWO_LEVELS["acc"], 5))


def test_worse_fails_below_the_resampled_limit():
    base = entry(TWO_LEVELS["acc"])
    # the lowest 5-seed mean, 0.97 (all five at 0.97), has probability 1/32 > alpha: it is the limit
    low = 0.98 - 0.01 * SCALE  # 0.968820
    ok, bad = judged("final_val_accuracy", 0.969, base), judged("final_val_accuracy", 0.968, base)
    assert (ok.verdict, bad.verdict, ok.question) == ("pass", "FAIL", "worse")
    assert ok.low == pytest.approx(low) and ok.high is None
    assert bad.p_value == 0.0  # no resampled mean is that low
    # P(k <= 1) = 6/32 of 5-seed means lie at or below 0.974, 0.005 under the mean
    assert judged("final_val_accuracy", 0.975, base).p_value == pytest.approx(6 / 32, abs=0.01)


def test_worse_never_flags_less_than_the_metric_s_margin():
    base = entry([0.98] * 20)  # no spread at all: the band is the metric's min_margin (0.005)
    assert judged("final_val_accuracy", 0.9751, base).verdict == "pass"
    assert judged("final_val_accuracy", 0.9749, base).verdict == "FAIL"


def test_lower_is_better_worse_is_above():
    base = entry([3.6] * 10 + [3.8] * 10, better="lower")
    v = judged("final_val_rmse", 3.9, base)
    assert v.high == pytest.approx(3.7 + 0.1 * SCALE) and v.low is None and v.verdict == "FAIL"
    assert judged("final_val_rmse", 3.8, base).verdict == "pass"


def test_changed_is_two_sided():
    base = entry(TWO_LEVELS["loss"], better="lower")
    band = (0.11 - 0.01 * SCALE, 0.11 + 0.01 * SCALE)  # 0.098820 .. 0.121180
    same = judged("final_train_loss", 0.11, base)
    assert (same.verdict, same.question) == ("pass", "changed")
    assert (same.low, same.high) == (pytest.approx(band[0]), pytest.approx(band[1]))
    lower, higher = judged("final_train_loss", 0.09, base), judged("final_train_loss", 0.125, base)
    assert lower.verdict == higher.verdict == "CHANGED"  # a lower loss is a change too (a doubled rate)
    assert lower.p_value == 0 and higher.p_value == 0  # none of the 100,000 resampled means is as far


def test_a_change_under_one_percent_of_the_mean_is_never_flagged():
    base = entry([0.2] * 20, better="lower")
    assert judged("mean_train_loss", 0.2019, base).verdict == "pass"
    assert judged("mean_train_loss", 0.2021, base).verdict == "CHANGED"


def test_info_new_and_published():
    base = entry(TWO_LEVELS["acc"])
    assert judged("best_val_accuracy", 0.5, base).verdict == "info"
    assert judged("final_val_accuracy", 0.5, None).verdict == "new"
    published = {
        "n": 1,
        "mean": 0.8652,
        "std": 0.0,
        "threshold": 0.86,
        "better": "higher",
        "provenance": {"source": "published", "reference": "source A"},
    }
    assert judged("final_val_accuracy", 0.859, published).verdict == "FAIL"
    ok = judged("final_val_accuracy", 0.861, published)
    assert ok.verdict == "pass" and ok.low == 0.86 and ok.p_value is None


def test_bonferroni_over_the_session():
    assert gates.alpha_for(60) == pytest.approx(1 / 6000) and gates.alpha_for(0) == 0.01


# -- the edges: a mean exactly on a limit passes, a p-value counts the draws equal to what was seen ----------


def bootstrap(values, n, draws=gates.DRAWS, seed=0):
    """The documented null, computed here on its own: ``draws`` means of ``n`` seeds drawn with replacement
    from the baseline's (NumPy's PCG64 seeded with ``seed``), less the baseline mean, times sqrt(1 + n / B)."""
    v = np.asarray(values, dtype=np.float64)
    picks = np.random.default_rng(seed).integers(0, len(v), size=(draws, n))
    return np.sort((v[picks].mean(axis=1) - v.mean()) * math.sqrt(1 + n / len(v)))


SPREAD = list(np.linspace(0.10, 0.20, 40))  # 40 distinct losses: every quantile of the null is its own value


def test_the_null_is_the_documented_bootstrap_with_seed_0_by_default():
    assert np.array_equal(gates.null_deviations(SPREAD, 5), bootstrap(SPREAD, 5))
    assert not np.array_equal(gates.null_deviations(SPREAD, 5), bootstrap(SPREAD, 5, seed=1))
    assert np.array_equal(gates.null_deviations(SPREAD, 5, seed=1), bootstrap(SPREAD, 5, seed=1))


def test_a_mean_on_the_worse_limit_passes_and_its_p_value_counts_equal_draws():
    base = entry(TWO_LEVELS["acc"])
    dev = bootstrap(TWO_LEVELS["acc"], 5)
    on_limit = judged("final_val_accuracy", base["mean"] + dev.min(), base)  # five seeds at 0.97: a possible draw
    assert on_limit.low == base["mean"] + dev.min() and on_limit.verdict == "pass"
    assert on_limit.p_value == np.mean(dev <= dev.min()) > 0  # the draws as low as it, itself included
    # 16 baseline RMSEs at 0 and 3 k$, runs of 48 seeds: sqrt(1 + 48/16) = 2 and every mean is k/16, so the
    # arithmetic is exact and a run can sit exactly on the highest draw
    rmse = entry([0.0] * 8 + [3.0] * 8, better="lower")
    dev = bootstrap(rmse["values"], 48)
    q = float(np.quantile(dev, 0.99))
    assert q in dev  # the 99th percentile is one of the (tied) draws
    high = rmse["mean"] + q
    top = gates.judge_metric(Verdict("demo", "p", "s", "final_val_rmse", measured(high, n=48), baseline=rmse), 0.01)
    assert top.high == high and top.verdict == "pass"
    assert top.p_value == np.mean(dev >= q) > np.mean(dev > q)


def test_the_changed_band_is_the_alpha_over_2_quantiles_and_a_mean_on_it_passes():
    base = entry(SPREAD, better="lower")
    dev = bootstrap(SPREAD, 5)
    alpha = 0.01
    low, high = base["mean"] + np.quantile(dev, alpha / 2), base["mean"] + np.quantile(dev, 1 - alpha / 2)
    assert high - base["mean"] > gates.CHANGED_FLOOR * base["mean"]  # the quantiles, not the floor, set the band
    v = judged("final_train_loss", low, base, alpha)
    assert (v.low, v.high, v.verdict) == (low, high, "pass")
    assert judged("final_train_loss", high, base, alpha).verdict == "pass"
    observed = dev[len(dev) // 3]  # a value the null takes: p counts it
    assert judged("final_train_loss", base["mean"] + observed, base).p_value == np.mean(
        np.abs(dev) >= abs((base["mean"] + observed) - base["mean"])
    )


def test_published_thresholds_on_either_side_and_what_is_not_gated():
    rmse = {"threshold": 3.5, "provenance": {"source": "published"}}
    on = judged("final_val_rmse", 3.5, rmse)
    assert (on.low, on.high, on.verdict) == (None, 3.5, "pass")  # a mean on a published ceiling passes
    assert judged("final_val_rmse", 3.51, rmse).verdict == "FAIL"
    floor = judged("final_val_accuracy", 0.86, {"threshold": 0.86, "provenance": {"source": "published"}})
    assert (floor.low, floor.verdict) == (0.86, "pass")
    # a published figure of a trajectory metric, or one without a threshold, is shown, never gated
    assert judged("final_train_loss", 0.5, {"threshold": 0.4, "provenance": {"source": "published"}}).verdict == "info"
    assert judged("final_val_accuracy", 0.5, {"provenance": {"source": "published"}}).verdict == "info"


def test_an_entry_without_provenance_is_judged_as_measured():
    base = {k: v for k, v in entry(TWO_LEVELS["acc"]).items() if k != "provenance"}
    assert judged("final_val_accuracy", 0.98, base).verdict == "pass"


def test_only_worse_and_changed_metrics_count_as_gated():
    assert gates.gated_metrics(["final_val_accuracy", "best_val_accuracy", "final_train_loss", "final_val_loss"]) == [
        "final_val_accuracy",
        "final_train_loss",
    ]


EXACT = [0.0] * 8 + [3.0] * 8  # with runs of 48 seeds every mean is k/16 and sqrt(1 + 48/16) = 2: exact arithmetic


def on_a_draw(metric, better, quantile):
    """A run of 48 seeds whose mean sits exactly on the null's ``quantile`` draw, and the null."""
    base = {**entry(EXACT, better=better)}
    dev = bootstrap(EXACT, 48)
    d = float(np.quantile(dev, quantile))
    assert d in dev and (base["mean"] + d) - base["mean"] == d  # a draw, reached exactly
    v = gates.judge_metric(Verdict("demo", "p", "s", metric, measured(base["mean"] + d, n=48), baseline=base), 0.01)
    return v, dev, d


def test_p_values_count_the_draws_exactly_equal_to_the_run():
    worse, dev, d = on_a_draw("final_val_accuracy", "higher", 0.3)
    assert worse.p_value == np.mean(dev <= d) > np.mean(dev < d)
    changed, dev, d = on_a_draw("final_train_loss", "lower", 0.3)
    assert changed.p_value == np.mean(np.abs(dev) >= abs(d)) > np.mean(np.abs(dev) > abs(d))


def test_the_changed_band_never_narrows_below_the_floor_on_either_side():
    tight = [0.1000, 0.1001] * 20  # seeds that agree to 1e-4: the resampled band is narrower than 1 % of 0.1
    v = judged("final_train_loss", 0.10005, entry(tight, better="lower"))
    floor = gates.CHANGED_FLOOR * 0.10005
    assert v.low == pytest.approx(0.10005 - floor, abs=1e-12) and v.high == pytest.approx(0.10005 + floor, abs=1e-12)
