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
