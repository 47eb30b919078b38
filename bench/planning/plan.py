"""The night's plan: which selected cases train tonight within the budget, which wait, and until when.

Pure: the estimates and the nights each case has waited come in (``bench.planning.ledger`` reads them
from the history store, the session probes what has no history), a ``Plan`` comes out.

The rule (docs/nightlies.md#a-nights-budget). Cases that cannot train here are listed with why and cost
nothing. The others are taken least recently trained first (never trained before all; ties in the
benchmarks' order), whole cases only: each one that still fits what is left of the budget trains tonight,
the rest are deferred. A case whose estimate alone exceeds the budget can never train: it is ``over
budget``. The rotation's period is the longest wait that rule gives any case on these estimates
(``period`` plays it forward); a deferred case whose wait tonight reaches the period is past its due
night (``overdue``): ``--bench-strict`` fails it.
"""

import dataclasses
from typing import Optional, Tuple

from bench.engine.records import CaseId

TONIGHT, DEFERRED, CANNOT, OVER_BUDGET = "tonight", "deferred", "cannot train here", "over budget"
SOURCES = ("history", "probe", "declared", "unknown")  # where an estimate comes from, best first


@dataclasses.dataclass(frozen=True)
class Estimate:
    """Seconds one seed's epoch of a case takes on this machine, and where that figure comes from."""

    seed_epoch_s: Optional[float]  # None: unknown
    source: str  # one of SOURCES
    detail: str  # the figure's provenance, in words

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"Argument `source` must be one of {', '.join(SOURCES)}. Received: source={self.source!r}")


UNKNOWN = Estimate(None, "unknown", "no earlier night on this machine, no probe, no declared cost")


@dataclasses.dataclass(frozen=True)
class Entry:
    """What the plan knows of one selected case."""

    case: CaseId
    seeds: int
    epochs: int
    estimate: Estimate = UNKNOWN
    cannot: Optional[str] = None  # why it cannot train here (no GPU, no data), else None
    waited: Optional[int] = None  # this machine's nights since the one it last trained in; None: never trained
    last_trained: Optional[str] = None  # the date of that night (UTC, ISO 8601)
    collecting: Optional[Tuple[int, int]] = None  # (seeds collected before tonight, seeds a baseline needs)

    @property
    def seconds(self):
        """The whole case's estimate tonight (seeds x epochs x seconds per seed-epoch); None when unknown."""
        s = self.estimate.seed_epoch_s
        return None if s is None else self.seeds * self.epochs * s


@dataclasses.dataclass(frozen=True)
class Row:
    entry: Entry
    decision: str  # TONIGHT, DEFERRED, CANNOT or OVER_BUDGET
    due_in: Optional[int] = None  # a deferred case: nights until it must train (<= 0: overdue)

    @property
    def overdue(self):
        return self.decision == DEFERRED and self.due_in is not None and self.due_in <= 0


@dataclasses.dataclass(frozen=True)
class Plan:
    rows: Tuple[Row, ...]  # in the order the entries came (the benchmarks' order)
    budget_s: Optional[float]  # None: no budget, every case that can train does
    period: int  # nights one whole rotation takes at most
    nights_before: int  # this machine's earlier nights in the history store

    def row(self, case):
        return next(r for r in self.rows if r.entry.case == case)

    def deferred(self, entry, factor=1.0, overhead_s=0.0):
        """``entry`` deferred tonight: its ``Row``, due within the rotation's period of the night it last trained in
        (a case that never trained: of this machine's first night). A case deferred as the night ran is due within
        the period the night as it ran gives, where that is longer than the plan's: ``factor``, how much longer than
        estimated tonight's cases took (``correction``), and ``overhead_s``, the seconds of the night so far that
        trained no case (start-up, the probes, a loaded machine between cases), which no night gets back."""
        rotating = [r.entry.seconds for r in self.rows if r.decision in (TONIGHT, DEFERRED)]
        if self.budget_s is None:
            return deferred(entry, self.period, self.nights_before)
        usable = self.budget_s - overhead_s
        ran = self.period if usable <= 0 else period([None if s is None else s * factor for s in rotating], usable)
        return deferred(entry, max(self.period, ran), self.nights_before)

    def tonight(self):
        """Tonight's cases in the order they train: the rotation's (never trained first, then the longest wait, then
        the benchmarks' order), so that a night that runs slower than its estimates defers those trained most
        recently."""
        rows = [r for r in self.rows if r.decision == TONIGHT]
        return [rows[i].entry.case for i in _order([r.entry.waited for r in rows])]

    @property
    def total_s(self):
        """Tonight's estimated seconds (unknown estimates count nothing)."""
        return sum(r.entry.seconds or 0.0 for r in self.rows if r.decision == TONIGHT)


def _order(waits):
    """Indices by the rotation's rule: never trained first (wait None), then the longest wait, then the given order."""
    return sorted(range(len(waits)), key=lambda i: (waits[i] is not None, -(waits[i] or 0), i))


def _fill(order, seconds, budget_s):
    """The indices of ``order`` that train tonight: each that still fits what is left of the budget."""
    chosen, used = [], 0.0
    for i in order:
        cost = seconds[i] or 0.0
        if budget_s is None or used + cost <= budget_s:
            chosen.append(i)
            used += cost
    return chosen


def period(seconds, budget_s):
    """Nights a whole rotation takes: the longest any case waits between two nights that train it (or from the
    first night), found by playing the rule forward on these estimates for three nights per case from a
    rotation where nothing has trained. 1 without a budget or when everything fits one night."""
    known = [s or 0.0 for s in seconds]
    if budget_s is None or sum(known) <= budget_s:
        return 1
    waits, longest = [None] * len(known), 1
    for night in range(3 * len(known)):
        tonight = set(_fill(_order(waits), known, budget_s))
        for i in range(len(known)):
            if i in tonight:
                longest = max(longest, (night if waits[i] is None else waits[i]) + 1)
                waits[i] = 0
            elif waits[i] is not None:
                waits[i] += 1
    return longest


def deferred(entry, nights, nights_before):
    """The ``Row`` of ``entry`` deferred tonight in a rotation of ``nights``: due in ``nights`` minus the nights it
    will have waited by tonight (<= 0: overdue)."""
    waited_tonight = (nights_before if entry.waited is None else entry.waited) + 1
    return Row(entry, DEFERRED, due_in=nights - waited_tonight)


def make(entries, budget_s=None, nights_before=0):
    """The ``Plan`` for ``entries`` (``Entry``, in the benchmarks' order) under ``budget_s`` seconds (None: no
    budget); ``nights_before``: this machine's earlier nights, the wait of a case that never trained."""
    if budget_s is not None and not budget_s > 0:
        raise ValueError(f"Argument `budget_s` must be positive. Received: budget_s={budget_s!r}")
    entries = list(entries)
    can = [e for e in entries if e.cannot is None]
    too_big = {e.case for e in can if budget_s is not None and e.seconds is not None and e.seconds > budget_s}
    rotating = [e for e in can if e.case not in too_big]
    seconds = [e.seconds for e in rotating]
    nights = period(seconds, budget_s)
    tonight = set(_fill(_order([e.waited for e in rotating]), seconds, budget_s))
    decided = {}
    for i, e in enumerate(rotating):
        decided[e.case] = Row(e, TONIGHT) if i in tonight else deferred(e, nights, nights_before)
    rows = []
    for e in entries:
        if e.cannot is not None:
            rows.append(Row(e, CANNOT))
        elif e.case in too_big:
            rows.append(Row(e, OVER_BUDGET))
        else:
            rows.append(decided[e.case])
    return Plan(tuple(rows), budget_s, nights, nights_before)


def correction(done):
    """How much longer than estimated tonight's cases took: measured / estimated seconds over ``done``
    (``(estimated, measured)`` pairs with a known estimate); 1.0 before any."""
    pairs = [(e, m) for e, m in done if e]
    return sum(m for _, m in pairs) / sum(e for e, _ in pairs) if pairs else 1.0


def still_fits(row, elapsed_s, budget_s, factor=1.0):
    """Whether ``row``'s case, about to start ``elapsed_s`` seconds into the night, ends inside the budget at
    ``factor`` times its estimate (the night's ``correction`` so far)."""
    return budget_s is None or row.entry.seconds is None or elapsed_s + factor * row.entry.seconds <= budget_s
