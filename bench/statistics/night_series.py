"""A benchmark's nights from the history store as series, one per case and gated metric, and their shifts.

``load`` reads what ``python -m bench history changes`` and ``python -m bench history dashboard`` show: the nights
that hold the benchmark's records (oldest first, numbered from 1), and for every case and gated
metric the nights' seed mean, spread, n, gate band and verdict. ``analyse`` finds each series'
change points (``bench/statistics/changepoints.py``) at one alpha for the whole history
(``changepoints.HISTORY_ALPHA`` over the series tested, Bonferroni) and says, for each, what
changed between the last night before and the first night after: commit and environment.
"""

import dataclasses

from bench.engine.records import METRICS, CaseId
from bench.statistics import changepoints, gates
from bench.stores.baselines import environment_label

# Environment keys that differ between any two nights without anything having changed.
NOT_A_CHANGE = ("date", "group_train_time_s", "seeds_together", "cuda_visible_devices", "gpu")


@dataclasses.dataclass
class Point:
    """One night of one series."""

    night: int  # 1-based among the benchmark's nights
    mean: float
    std: float
    n: int
    low: float = None
    high: float = None
    verdict: str = "new"
    environment: dict = None


@dataclasses.dataclass
class Series:
    """One case's gated metric across nights. A quick pass's nights (``--bench-quick``: a few steps, nothing
    judged) form series of their own, so they never move a nightly's series nor hide in one."""

    benchmark: str
    protocol: str
    case: str
    metric: str
    points: list
    quick: bool = False

    @property
    def name(self):
        return str(CaseId.of(self)) + (" (quick pass)" if self.quick else "")

    @property
    def unit(self):
        return METRICS[self.metric].unit


@dataclasses.dataclass
class Shift:
    """A change point of a series, placed among the nights."""

    series: Series
    change: changepoints.ChangePoint
    night: int  # the first night after the shift (1-based)
    before_night: int  # the last night before it
    alpha: float

    @property
    def direction(self):
        return "up" if self.change.shift > 0 else "down"

    @property
    def p_text(self):
        return changepoints.p_text(self.change.p_value)

    @property
    def worse(self):
        """Whether the shift goes the metric's bad way (a loss up, an accuracy down)."""
        return (self.change.shift > 0) == (METRICS[self.series.metric].better == "lower")


@dataclasses.dataclass
class History:
    """A benchmark's nights (dicts of the store's ``nights`` rows, oldest first) and series."""

    benchmark: str
    nights: list
    series: list
    failed: list  # (night, case name, why) of every case whose training stopped or did not train

    def night(self, number):
        return self.nights[number - 1]


def load(store, benchmark):
    """The ``History`` of ``benchmark`` in ``store`` (a ``HistoryStore``)."""
    nights = store.nights(benchmark)
    number = {night["id"]: i + 1 for i, night in enumerate(nights)}
    environments = {}
    failed = []
    for night_id, record in store.records(kind=("summary", "failed", "not_trained"), benchmark=benchmark):
        if night_id not in number:
            continue
        key = (number[night_id], record["protocol"], record["case"])
        if record["kind"] == "summary":
            environments[key] = record.get("environment") or {}
        elif record["kind"] in ("failed", "not_trained"):
            failed.append(
                (
                    number[night_id],
                    str(CaseId(benchmark, record["protocol"], record["case"])),
                    f"{record['kind']}: {record.get('why', '')}",
                )
            )
    by_series = {}
    for row in store.verdict_rows(benchmark):
        if row["night_id"] not in number or METRICS.get(row["metric"]) is None:
            continue
        if METRICS[row["metric"]].question == "info":
            continue
        night = number[row["night_id"]]
        point = Point(
            night,
            row["mean"],
            row["std"],
            row["n"],
            row["low"],
            row["high"],
            row["verdict"],
            environments.get((night, row["protocol"], row["case"]), {}),
        )
        quick = bool(point.environment.get("quick"))
        by_series.setdefault((quick, row["protocol"], row["case"], row["metric"]), []).append(point)
    series = [
        Series(benchmark, protocol, case, metric, sorted(points, key=lambda p: p.night), quick)
        for (quick, protocol, case, metric), points in sorted(by_series.items())
    ]
    return History(benchmark, nights, series, sorted(failed))


def min_shift(metric, level):
    """The smallest shift reported, as the gates: a headline metric's own margin, 1 % of the level for
    the training loss (``gates.CHANGED_FLOOR``)."""
    m = METRICS[metric]
    return m.min_margin if m.question == "worse" else gates.CHANGED_FLOOR * abs(level)


def analyse(history, alpha=changepoints.HISTORY_ALPHA):
    """Every ``Shift`` of the history's series, at ``alpha`` for the history (split over its series)."""
    tested = [s for s in history.series if len(s.points) >= 2]
    per_series = alpha / max(len(tested), 1)
    shifts = []
    for series in tested:
        points = series.points
        level = sum(p.mean for p in points) / len(points)
        for change in changepoints.find(
            [p.mean for p in points],
            [p.std for p in points],
            [p.n for p in points],
            per_series,
            min_shift(series.metric, level),
        ):
            shifts.append(Shift(series, change, points[change.at].night, points[change.at - 1].night, per_series))
    return sorted(shifts, key=lambda s: (s.night, s.series.name, s.series.metric))


def environment_changes(before, after):
    """``[(key, before, after)]`` of the environment keys that differ between two nights (a key absent on
    one side shows as None), leaving out those that differ every night (``NOT_A_CHANGE``)."""
    before, after = before or {}, after or {}
    keys = sorted((set(before) | set(after)) - set(NOT_A_CHANGE))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def label(environment):
    return environment_label(environment or {})
