"""The two questions asked of every case, and their thresholds, calibrated on unchanged runs.

*Worse*: is the headline metric (accuracy, RMSE) worse than its baseline? One-sided.
*Changed*: did training change (final train loss, mean train loss over the run), in either
direction? Two-sided: a doubled rate or a dropped decay makes the train loss *lower*.

Both compare the mean over the run's ``n`` seeds with the baseline's per-seed values
(at least ``MIN_BASELINE_SEEDS`` seeds, none of them the run's, ideally). What "far" means is
read off the baseline seeds themselves rather than a normal formula: ``null_deviations``
draws many n-seed means from the baseline's values (with replacement) and measures how far
they fall from its mean, scaled by ``sqrt(1 + n / B)`` for the baseline mean's own error.
Discrete accuracies and heavy tails are then in the threshold as they are in the data.

Multiple testing: a session of ``T`` such tests gives each ``alpha = SESSION_ALPHA / T``
(Bonferroni), so an unchanged session fails with probability at most about 1 %.
``python -m bench calibrate gates`` measures the false alarms and detections on seeds no baseline saw.

Published baselines (a write-up's figure, one number) are gated by their stored floor instead.

Statistics only: ``judge_metric`` fills a ``bench.statistics.verdicts.Verdict`` in; what a verdict
says to its reader (the failure message, the provenance) is ``bench/statistics/verdicts.py``'s.
"""

import functools
import math

import numpy as np

from bench.engine.records import METRICS
from bench.statistics import tails

SESSION_ALPHA = 0.01
MIN_BASELINE_SEEDS = 20
DRAWS = 100_000  # resampled n-seed means per test: p-values resolve down to 1e-5
CHANGED_FLOOR = 0.01  # a change smaller than 1 % of the baseline mean is never reported


def null_deviations(values, n, draws=DRAWS, seed=0):
    """Deviations from the baseline mean of ``draws`` n-seed means resampled from ``values``.

    Scaled by ``sqrt(1 + n / B)``: the run's mean and the baseline's mean (of B seeds) both
    carry seed noise. The generator is seeded, so a threshold is the same on every call
    (and computed once per baseline entry and n: ``python -m bench calibrate gates`` asks thousands of times).
    """
    return _null_deviations(tuple(float(x) for x in values), n, draws, seed)


@functools.lru_cache(maxsize=256)
def _null_deviations(values, n, draws, seed):
    v = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = v[rng.integers(0, len(v), size=(draws, n))].mean(axis=1)
    deviations = np.sort((means - v.mean()) * math.sqrt(1 + n / len(v)))
    deviations.flags.writeable = False  # shared by every caller
    return deviations


def null_quantile(values, n, q, draws=DRAWS, seed=0):
    """``numpy.quantile`` of ``null_deviations(values, n)`` at ``q``: a gate's band edge, computed once per
    baseline entry, n and q (numpy selects it from all 100,000 draws on every call)."""
    return _null_quantile(tuple(float(x) for x in values), n, q, draws, seed)


@functools.lru_cache(maxsize=1024)
def _null_quantile(values, n, q, draws, seed):
    return float(np.quantile(_null_deviations(values, n, draws, seed), q))


def judge_metric(verdict, alpha):
    """Fill in ``verdict``'s (a ``bench.statistics.verdicts.Verdict``) question, band, p-value and verdict
    from its baseline entry; returns it."""
    entry, metric = verdict.baseline, METRICS[verdict.metric]
    verdict.question = metric.question
    if entry is None:
        verdict.verdict = "new"
        return verdict
    if metric.question == "info":
        verdict.verdict = "info"
        return verdict
    mean = verdict.measured["mean"]
    if entry.get("provenance", {}).get("source") == "published":
        if metric.question != "worse" or "threshold" not in entry:
            verdict.verdict = "info"
            return verdict
        verdict.low, verdict.high = (
            (entry["threshold"], None) if metric.better == "higher" else (None, entry["threshold"])
        )
        verdict.verdict = (
            "FAIL" if (mean < verdict.low if metric.better == "higher" else mean > verdict.high) else "pass"
        )
        return verdict
    values, n = entry["values"], verdict.measured["n"]
    dev = null_deviations(values, n)
    observed = mean - entry["mean"]
    verdict.alpha = alpha
    if metric.question == "worse":
        if metric.better == "higher":
            verdict.low = entry["mean"] + min(null_quantile(values, n, alpha), -metric.min_margin)
            verdict.p_value = tails.at_or_below(dev, observed)
            verdict.verdict = "FAIL" if mean < verdict.low else "pass"
        else:
            verdict.high = entry["mean"] + max(null_quantile(values, n, 1 - alpha), metric.min_margin)
            verdict.p_value = tails.at_or_above(dev, observed)
            verdict.verdict = "FAIL" if mean > verdict.high else "pass"
        return verdict
    floor = CHANGED_FLOOR * abs(entry["mean"])
    verdict.low = entry["mean"] + min(null_quantile(values, n, alpha / 2), -floor)
    verdict.high = entry["mean"] + max(null_quantile(values, n, 1 - alpha / 2), floor)
    verdict.p_value = tails.beyond(dev, observed)
    verdict.verdict = "CHANGED" if not verdict.low <= mean <= verdict.high else "pass"
    return verdict


def gated_metrics(summaries):
    """The metrics of a case that a session tests (worse or changed), for counting ``T``."""
    return [m for m in summaries if METRICS[m].question != "info"]


def alpha_for(tests):
    """Per-test alpha for a session of ``tests`` gated tests (Bonferroni at ``SESSION_ALPHA``)."""
    return SESSION_ALPHA / max(tests, 1)
