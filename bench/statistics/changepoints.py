"""Change points in a series of nights: where a case's metric shifted, and by how much.

Each night of a case gives a mean over its n seeds and their spread. Unchanged nights on fresh seeds
differ only by seed noise, whose size each night measured: a night's mean has variance s^2 / n, s
the seeds' standard deviation pooled over the series (``pooled_std``: 20 seeds a night and 30 nights
estimate it far better than any one night, or the nights' means among themselves, could).

The test for one series: for every split of the nights into "before" and "after" (each at least one
night), the difference of the two sides' means, each weighted by its nights' seed counts, over its
standard error: a z. The largest |z| over the splits is compared with its own distribution when
nothing changed, drawn by simulation under the same seed counts (``max_z_null``: a night's means
are independent normal draws then, whatever the split). Below ``alpha``, the split is a change
point; binary segmentation then looks again on each side (so a series that moved twice shows both).

A shift smaller than the gates would call a change is not reported: ``min_shift`` (the metric's
own margin, as ``bench/statistics/gates.py`` uses it). Pure: numbers in, numbers out.
"""

import dataclasses
import functools
import math

import numpy as np

from bench.statistics import tails

DRAWS = 100_000  # simulated null series per pattern of seed counts: p-values resolve down to 1e-5
HISTORY_ALPHA = 0.01  # the chance that a history of unchanged nights shows any change point at all


@dataclasses.dataclass
class ChangePoint:
    """A shift starting at night index ``at`` (0-based in the series given): the weighted means of the
    segment's nights before and after it, ``z`` and its p-value against the segment's unchanged nights."""

    at: int
    before: float
    after: float
    z: float
    p_value: float
    start: int  # the segment the split was found in: nights start..stop-1
    stop: int

    @property
    def shift(self):
        return self.after - self.before

    @property
    def relative(self):
        return self.shift / abs(self.before) if self.before else math.inf


def p_text(p):
    """A p-value as the tools print it: below the simulation's resolution, ``< 1e-05``."""
    return f"< {1 / DRAWS:.0e}" if p == 0 else f"= {p:.2g}"


def pooled_std(stds, ns):
    """The seeds' standard deviation pooled over nights (weights n - 1); 0 when no night has 2 seeds."""
    stds, ns = np.asarray(stds, dtype=np.float64), np.asarray(ns, dtype=np.float64)
    df = np.clip(ns - 1, 0, None)
    return float(math.sqrt((df * stds**2).sum() / df.sum())) if df.sum() > 0 else 0.0


def split_z(means, ns, sigma):
    """``z`` of every split of the series: entry k compares nights 0..k with nights k+1..end (so a
    change starting at night k + 1). The weighted means use the seed counts ``ns``; ``sigma`` the
    seeds' standard deviation."""
    means, ns = np.asarray(means, dtype=np.float64), np.asarray(ns, dtype=np.float64)
    total_n, total = ns.sum(), (ns * means).sum()
    left_n = np.cumsum(ns)[:-1]
    left = np.cumsum(ns * means)[:-1]
    right_n = total_n - left_n
    diff = (total - left) / right_n - left / left_n
    se = sigma * np.sqrt(1 / left_n + 1 / right_n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(se > 0, diff / se, np.where(diff == 0, 0.0, np.sign(diff) * np.inf))


def max_z_null(ns, draws=DRAWS, seed=0):
    """Sorted largest |z| over the splits of ``draws`` simulated series of unchanged nights with seed
    counts ``ns`` (seeded: the same on every call)."""
    return _max_z_null(tuple(int(n) for n in ns), draws, seed)


@functools.lru_cache(maxsize=1024)
def _max_z_null(ns, draws, seed):
    n = np.asarray(ns, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = rng.standard_normal((draws, len(n))) / np.sqrt(n)  # sigma 1: z does not depend on it
    total_n, total = n.sum(), means @ n
    left_n = np.cumsum(n)[:-1]
    left = np.cumsum(means * n, axis=1)[:, :-1]
    right_n = total_n - left_n
    z = ((total[:, None] - left) / right_n - left / left_n) / np.sqrt(1 / left_n + 1 / right_n)
    out = np.sort(np.abs(z).max(axis=1))
    out.flags.writeable = False
    return out


def find(means, stds, ns, alpha=HISTORY_ALPHA, min_shift=0.0):
    """The change points of one series (nights in order), by binary segmentation at ``alpha``; a shift
    smaller than ``min_shift`` (absolute, in the metric's unit) is not reported. Sorted by night; each
    one's ``before`` and ``after`` are the means of the nights between it and its neighbours.

    Nights without any spread (every night the same seeds, bit-identical where nothing changed): any
    difference is a change (p 0, z infinite), placed where the step is largest."""
    means = np.asarray(means, dtype=np.float64)
    ns = np.asarray(ns, dtype=np.float64)
    if len(means) < 2:
        return []
    sigma = pooled_std(stds, ns)
    found = []
    _segment(means, ns, sigma, 0, len(means), alpha, min_shift, found)
    found.sort(key=lambda c: c.at)
    bounds = [0, *(c.at for c in found), len(means)]
    for i, c in enumerate(found):  # the level of the nights on each side, up to the next change point
        c.before = _mean(means, ns, bounds[i], c.at)
        c.after = _mean(means, ns, c.at, bounds[i + 2])
    return [c for c in found if abs(c.shift) >= min_shift]


def _mean(means, ns, start, stop):
    return float((ns[start:stop] * means[start:stop]).sum() / ns[start:stop].sum())


def _segment(means, ns, sigma, start, stop, alpha, min_shift, found):
    m, n = means[start:stop], ns[start:stop]
    if stop - start < 2 or (sigma == 0 and np.ptp(m) == 0):
        return
    z = split_z(m, n, sigma if sigma > 0 else 1.0)  # without spread: the split with the largest step
    k = int(np.argmax(np.abs(z)))
    observed = abs(float(z[k]))
    if sigma > 0:
        p = tails.at_or_above(max_z_null(n), observed)
    else:
        p, z = (0.0, np.sign(z) * np.inf) if observed > 0 else (1.0, z)
    before, after = _mean(m, n, 0, k + 1), _mean(m, n, k + 1, len(m))
    if p >= alpha or abs(after - before) < min_shift:
        return
    found.append(ChangePoint(start + k + 1, before, after, float(z[k]), p, start, stop))
    _segment(means, ns, sigma, start, start + k + 1, alpha, min_shift, found)
    _segment(means, ns, sigma, start + k + 1, stop, alpha, min_shift, found)
