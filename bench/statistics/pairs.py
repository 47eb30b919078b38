"""One case trained at two revisions on the same seeds, judged seed for seed (docs/changes.md).

On one machine in one environment the suite is exact: a seed trains to the same bits every time.
So two revisions of a case are first compared bit for bit, and only then with statistics:

- ``identical``: every shared seed has the same metrics and the same per-epoch history, bit for bit;
- ``changed``: not identical. Each gated metric's per-seed differences (HEAD minus BASE) are
  summarised by their mean, its 95 % t interval and the two-sided paired t-test's p; the first epoch
  where a seed's histories part says where training moved (the ``lr`` row parting first: the
  schedule itself);
- ``worse``: changed, and the headline metric (``question == "worse"``) is worse by the one-sided
  paired t-test at ``alpha``: the nightly's 1 % (``gates.SESSION_ALPHA``) split over the cases compared
  (``worse_alpha``), since a comparison decides by test only this, one per case (``changed`` needs none).

Pure: runs in (``RunResult``s by seed), a ``Pair`` out; nothing read, written or printed.
"""

import dataclasses
import math

import numpy as np
from scipy import stats

from bench.engine.records import METRICS
from bench.statistics.gates import SESSION_ALPHA
from bench.statistics.matrix import paired_test

INTERVAL = 0.95  # the confidence of each mean difference's interval


@dataclasses.dataclass
class Difference:
    """One metric's paired per-seed differences, HEAD minus BASE, in the metric's unit."""

    metric: str
    unit: str
    n: int
    base_mean: float
    head_mean: float
    mean: float  # mean of the differences
    low: float  # its INTERVAL t interval
    high: float
    p_value: float  # two-sided paired t-test that the differences centre on zero


@dataclasses.dataclass
class Pair:
    """The verdict on one case at two revisions: ``status`` identical / changed / worse."""

    case: str  # the CaseId's text form
    status: str
    seeds: list
    differences: list = dataclasses.field(default_factory=list)  # a Difference per gated metric
    parted_epoch: int = None  # the first epoch (1-based) where any seed's histories part; None when none do
    parted_on: list = dataclasses.field(default_factory=list)  # the history rows that part there
    headline: str = None
    worse_p: float = None  # the headline's one-sided paired p (None when identical)
    alpha: float = None

    def to_dict(self):
        return dataclasses.asdict(self)  # its differences too, each a dict of its fields


def worse_alpha(cases):
    """The alpha of each case's ``worse`` test when ``cases`` cases are compared: the nightly's 1 % over them
    (Bonferroni), so that a comparison of unchanged-but-not-identical training says ``worse`` anywhere with
    probability at most 1 %."""
    return SESSION_ALPHA / max(cases, 1)


def gated(metrics):
    """The metrics the gates test (worse or changed), in ``METRICS`` order."""
    return [name for name in METRICS if name in metrics and METRICS[name].question != "info"]


def headline(metrics):
    """The metric the gates ask "worse?" of: accuracy for a classifier, RMSE for a regression."""
    return next((name for name in METRICS if name in metrics and METRICS[name].question == "worse"), None)


def same_bits(base, head):
    """Whether two runs of one seed trained the same: equal metrics and equal per-epoch histories."""
    return base.metrics == head.metrics and base.history == head.history


def parted(base, head):
    """``(epoch, rows)``: the first epoch (1-based) where the two runs' histories differ and the rows that
    differ there; ``(None, [])`` when none do. A history longer on one side parts where the other ends. A
    history entry that holds more rows (a range test's ``lrs`` and ``losses``) is read as rows of its own
    (``range_test.lrs``), and a single number as a row of one."""
    mine, theirs = rows_of(base.history), rows_of(head.history)
    rows = sorted(set(mine) | set(theirs))
    if not rows:
        return None, []
    for epoch in range(max(len(x) for x in [*mine.values(), *theirs.values()])):
        differ = [r for r in rows if _at(mine.get(r), epoch) != _at(theirs.get(r), epoch)]
        if differ:
            return epoch + 1, differ
    return None, []


def rows_of(history, prefix=""):
    """``{row name: list of values}`` of a history whose entries are lists, numbers or mappings of them."""
    out = {}
    for key, value in history.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(rows_of(value, f"{name}."))
        else:
            out[name] = list(value) if isinstance(value, (list, tuple)) else [value]
    return out


def _at(values, i):
    return values[i] if values is not None and i < len(values) else None


def difference(metric, base_values, head_values):
    """A ``Difference`` of ``metric`` from per-seed values in the same seed order; one seed has an infinite
    interval and no test (p is NaN)."""
    b, h = np.asarray(base_values), np.asarray(head_values)
    d = h - b
    n, mean = len(d), float(d.mean())
    common = (metric, METRICS[metric].unit, n, float(b.mean()), float(h.mean()), mean)
    if n < 2:
        return Difference(*common, -math.inf, math.inf, math.nan)
    half = float(stats.t.ppf(0.5 + INTERVAL / 2, n - 1) * d.std(ddof=1) / math.sqrt(n))
    return Difference(*common, mean - half, mean + half, paired_test(d))


def worse_p(metric, base_values, head_values):
    """One-sided paired t-test that HEAD is worse than BASE on ``metric`` (lower accuracy, higher RMSE).

    Equal differences on every seed (no spread) give 0.0 when they point the worse way, 1.0 otherwise."""
    d = np.subtract(head_values, base_values)  # below zero: worse where higher is better
    if METRICS[metric].better == "lower":
        d = -d
    if len(d) < 2 or np.unique(d).size == 1:
        return 0.0 if len(d) and d[0] < 0 else 1.0
    t = d.mean() / (d.std(ddof=1) / math.sqrt(len(d)))
    return float(stats.t.cdf(t, len(d) - 1))


def judge(case, base, head, alpha):
    """The ``Pair`` of one case from ``{seed: RunResult}`` at BASE and at HEAD, on the seeds both trained."""
    seeds = sorted(set(base) & set(head))
    if not seeds:
        raise ValueError(f"{case}: the two revisions share no seed (BASE {sorted(base)}, HEAD {sorted(head)})")
    if all(same_bits(base[s], head[s]) for s in seeds):
        return Pair(str(case), "identical", seeds, alpha=alpha)
    metrics = base[seeds[0]].metrics
    values = {m: ([base[s].metrics[m] for s in seeds], [head[s].metrics[m] for s in seeds]) for m in gated(metrics)}
    partings = [parted(base[s], head[s]) for s in seeds]
    epochs = [epoch for epoch, _ in partings if epoch is not None]
    first = min(epochs) if epochs else None  # None: the metrics differ, no history row does
    rows = sorted({r for epoch, rs in partings if epoch == first for r in rs})  # none when first is None
    top = headline(metrics)
    p_worse = worse_p(top, *values[top]) if top else None
    return Pair(
        str(case),
        "worse" if p_worse is not None and p_worse < alpha else "changed",
        seeds,
        differences=[difference(m, *values[m]) for m in values],
        parted_epoch=first,
        parted_on=rows,
        headline=top,
        worse_p=p_worse,
        alpha=alpha,
    )
