"""A judged metric as a plain record, and what it says to its reader.

``Verdict`` is what the gates (``bench/statistics/gates.py``) fill in, the results store records, the
table renders (``bench/report/tables.py``) and the plugin fails a test with: the case, the metric,
the measured summary, the baseline entry, the band and the outcome. Its messages name the case, the
numbers with their unit and provenance, and the command that updates the baseline.
"""

import dataclasses

from bench.engine.records import METRICS, CaseId, summarize_runs
from bench.statistics import gates
from bench.statistics.gates import DRAWS
from bench.stores import baselines


@dataclasses.dataclass
class Verdict:
    """One metric of one case judged against its baseline entry: a plain record.

    ``low`` / ``high``: the band the measured mean must stay in (None: unbounded on that side).
    ``verdict``: "pass", "FAIL" (worse), "CHANGED", "info" (not gated), "new" (no baseline) or "quick"
    (trained in a quick pass, ``--bench-quick``: not judged).
    """

    benchmark: str
    protocol: str
    case: str  # the benchmark's case name
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
    schedule: str = None  # the registry name (schedules.get) the case trains
    seeds_overlap: bool = False  # the run used seeds the baseline was measured on
    collecting: list = None  # [seeds collected, seeds a baseline needs] of a case collecting its baseline over nights

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
        where = str(CaseId.of(self))
        select = baselines.update_command(self.benchmark, self.protocol, self.case)  # exactly this case
        if self.verdict == "new":
            return (
                f"{where}: no baseline entry for any gate of this case (measured {self.metric} "
                f"{m['mean']:.4f} +- {m['std']:.4f}, n={m['n']}, {self.unit}); --bench-strict fails a case it "
                f"cannot judge. Review a run, then write it with: {select}"
            )
        fix = f"If the change is intended, review it and update the baseline: {select}"
        rel = f"{100 * self.delta / b['mean']:+.1f} %" if b["mean"] else f"{self.delta:+.4g}"
        p = "" if self.p_value is None else f", p {_p_text(self.p_value)} (alpha {self.alpha:.1g})"
        base = f"{b['mean']:.4f} +- {b['std']:.4f} (n={b['n']}, {provenance_text(b['provenance'])})"
        if self.verdict == "CHANGED":
            way = "lower" if self.delta < 0 else "higher"
            return (
                f"{where}: CHANGED: {self.metric} {m['mean']:.4f} vs {base}, {way} by {rel}{p}; "
                f"outside {self.low:.4f}..{self.high:.4f} [{self.unit}]. Training no longer behaves as it "
                f"did. {fix}"
            )
        side, limit = ("below", self.low) if METRICS[self.metric].better == "higher" else ("above", self.high)
        return (
            f"{where}: WORSE: {self.metric} mean {m['mean']:.4f} +- {m['std']:.4f} (n={m['n']}, {self.unit}) "
            f"is {side} {limit:.4f} ({rel} against the baseline {base}){p}. {fix}"
        )

    def to_dict(self):
        d = dataclasses.asdict(self)
        if d["baseline"] is not None:
            d["baseline"] = {k: v for k, v in d["baseline"].items() if k != "values"}
        d.update(unit=self.unit, gated=self.gated, delta=self.delta)
        return d


def judge_case(case_id, runs, entries, alpha, baseline_seeds=(), schedule=None, reference_note=None):
    """One ``Verdict`` per measured metric of ``runs`` (one case's ``RunResult``s), each against its entry of
    ``entries`` (the case's baseline entries) at ``alpha``: what a nightly says of the case, and what
    ``python -m bench compare`` says of HEAD's side. ``baseline_seeds``: the seeds the entries were measured on."""
    overlap = bool({run.seed for run in runs} & set(baseline_seeds))
    return [
        gates.judge_metric(
            Verdict(
                *case_id,
                metric,
                summary,
                baseline=entries.get(metric),
                majority_rate=runs[0].majority_rate,
                reference_note=reference_note,
                schedule=schedule,
                seeds_overlap=overlap,
            ),
            alpha,
        )
        for metric, summary in summarize_runs(runs).items()
    ]


def _p_text(p):
    return f"< {1 / DRAWS:.0e}" if p == 0 else f"= {p:.2g}"


def provenance_text(prov):
    if prov.get("source") == "published":
        return f"published figure ({prov.get('reference', 'see docs/reference.md#sources')}), not yet reproduced here"
    return (
        f"TF {prov.get('tensorflow', '?')} / Keras {prov.get('keras', '?')}, {prov.get('device', '?')}, "
        f"{prov.get('date', '?')}"
    )
