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
``python -m bench calibrate`` measures the false alarms and detections on seeds no baseline saw.

Published baselines (a write-up's figure, one number) are gated by their stored floor instead.
"""

import dataclasses
import functools
import math

import numpy as np

from bench.engine.records import METRICS
from bench.harness import baselines

SESSION_ALPHA = 0.01
MIN_BASELINE_SEEDS = 20
DRAWS = 100_000  # resampled n-seed means per test: p-values resolve down to 1e-5
CHANGED_FLOOR = 0.01  # a change smaller than 1 % of the baseline mean is never reported


def null_deviations(values, n, draws=DRAWS, seed=0):
    """Deviations from the baseline mean of ``draws`` n-seed means resampled from ``values``.

    Scaled by ``sqrt(1 + n / B)``: the run's mean and the baseline's mean (of B seeds) both
    carry seed noise. The generator is seeded, so a threshold is the same on every call
    (and computed once per baseline entry and n: ``python -m bench calibrate`` asks thousands of times).
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


@dataclasses.dataclass
class Verdict:
    """One metric of one case judged against its baseline entry: a plain record.

    ``low`` / ``high``: the band the measured mean must stay in (None: unbounded on that side).
    ``verdict``: "pass", "FAIL" (worse), "CHANGED", "info" (not gated) or "new" (no baseline).
    """

    benchmark: str
    protocol: str
    schedule: str
    metric: str
    measured: dict  # n, mean, std, min, max over the run's seeds
    baseline: dict = None  # the entry (summary and provenance), or None
    question: str = "info"
    low: float = None
    high: float = None
    p_value: float = None
    alpha: float = None
    verdict: str = "new"
    majority_rate: float = None
    reference_note: str = None
    registry_schedule: str = None  # the schedules.get name this case trains
    seeds_overlap: bool = False  # the run used seeds the baseline was measured on

    @property
    def unit(self):
        return METRICS[self.metric].unit

    @property
    def gated(self):
        return self.verdict in ("pass", "FAIL", "CHANGED")

    @property
    def delta(self):
        return None if self.baseline is None else self.measured["mean"] - self.baseline["mean"]

    def failure_message(self):
        b, m = self.baseline, self.measured
        where = f"{self.benchmark} / {self.protocol} / {self.schedule}"
        select = baselines.update_command(self.benchmark, self.protocol, self.schedule)  # exactly this case
        if self.verdict == "new":
            return (f"{where}: no baseline entry for any gate of this case (measured {self.metric} "
                    f"{m['mean']:.4f} +- {m['std']:.4f}, n={m['n']}, {self.unit}); --bench-strict fails a case it "
                    f"cannot judge. Review a run, then write it with: {select}")
        fix = f"If the change is intended, review it and update the baseline: {select}"
        rel = f"{100 * self.delta / b['mean']:+.1f} %" if b["mean"] else f"{self.delta:+.4g}"
        p = "" if self.p_value is None else f", p {_p_text(self.p_value)} (alpha {self.alpha:.1g})"
        base = f"{b['mean']:.4f} +- {b['std']:.4f} (n={b['n']}, {provenance_text(b['provenance'])})"
        if self.verdict == "CHANGED":
            way = "lower" if self.delta < 0 else "higher"
            return (f"{where}: CHANGED: {self.metric} {m['mean']:.4f} vs {base}, {way} by {rel}{p}; "
                    f"outside {self.low:.4f}..{self.high:.4f} [{self.unit}]. Training no longer behaves as it "
                    f"did. {fix}")
        side, limit = ("below", self.low) if METRICS[self.metric].better == "higher" else ("above", self.high)
        return (f"{where}: WORSE: {self.metric} mean {m['mean']:.4f} +- {m['std']:.4f} (n={m['n']}, {self.unit}) "
                f"is {side} {limit:.4f} ({rel} against the baseline {base}){p}. {fix}")

    def to_dict(self):
        d = dataclasses.asdict(self)
        if d["baseline"] is not None:
            d["baseline"] = {k: v for k, v in d["baseline"].items() if k != "values"}
        d.update(unit=self.unit, gated=self.gated, delta=self.delta)
        return d


def _p_text(p):
    return f"< {1 / DRAWS:.0e}" if p == 0 else f"= {p:.2g}"


def provenance_text(prov):
    if prov.get("source") == "published":
        return f"published figure ({prov.get('reference', 'see docs/reference.md#sources')}), not yet reproduced here"
    return (f"TF {prov.get('tensorflow', '?')} / Keras {prov.get('keras', '?')}, {prov.get('device', '?')}, "
            f"{prov.get('date', '?')}")


def judge_metric(verdict, alpha):
    """Fill in ``verdict``'s question, band, p-value and verdict from its baseline entry."""
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
        verdict.low, verdict.high = (entry["threshold"], None) if metric.better == "higher" else (None,
                                                                                                  entry["threshold"])
        verdict.verdict = "FAIL" if (mean < verdict.low if metric.better == "higher" else mean > verdict.high) \
            else "pass"
        return verdict
    dev = null_deviations(entry["values"], verdict.measured["n"])
    observed = mean - entry["mean"]
    verdict.alpha = alpha
    if metric.question == "worse":
        if metric.better == "higher":
            verdict.low = entry["mean"] + min(float(np.quantile(dev, alpha)), -metric.min_margin)
            verdict.p_value = float(np.mean(dev <= observed))
            verdict.verdict = "FAIL" if mean < verdict.low else "pass"
        else:
            verdict.high = entry["mean"] + max(float(np.quantile(dev, 1 - alpha)), metric.min_margin)
            verdict.p_value = float(np.mean(dev >= observed))
            verdict.verdict = "FAIL" if mean > verdict.high else "pass"
        return verdict
    floor = CHANGED_FLOOR * abs(entry["mean"])
    verdict.low = entry["mean"] + min(float(np.quantile(dev, alpha / 2)), -floor)
    verdict.high = entry["mean"] + max(float(np.quantile(dev, 1 - alpha / 2)), floor)
    verdict.p_value = float(np.mean(np.abs(dev) >= abs(observed)))
    verdict.verdict = "CHANGED" if not verdict.low <= mean <= verdict.high else "pass"
    return verdict


def gated_metrics(summaries):
    """The metrics of a case that a session tests (worse or changed), for counting ``T``."""
    return [m for m in summaries if METRICS[m].question != "info"]


def alpha_for(tests):
    """Per-test alpha for a session of ``tests`` gated tests (Bonferroni at ``SESSION_ALPHA``)."""
    return SESSION_ALPHA / max(tests, 1)
