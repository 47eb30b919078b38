"""Stored accuracy baselines: one reviewable JSON file per benchmark in ``baselines/``.

Layout: ``cases -> protocol -> schedule -> metric -> entry``, where an entry holds
the summary it was set from (n, mean, std, min, max), the threshold a new run's
mean must meet, the rule that set it, and its provenance (versions, device,
date, command, seeds, or "published" for figures taken from a write-up).

Files are only written by ``pytest -m slow --update-baselines`` (``write_atomic``);
a missing, malformed or mismatched file is a ``BaselineError`` naming the file.
"""

import copy
import dataclasses
import json
import math
import os
import tempfile
from pathlib import Path

from bench.engine.records import METRICS

FORMAT = 1
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "baselines"
REQUIRED_KEYS = ("n", "mean", "std", "threshold", "rule", "better", "provenance")
RULE = "mean {sign} max(3 * std * sqrt(2 / n), {min_margin} {unit})"


class BaselineError(RuntimeError):
    """A baseline file is missing, malformed, or lacks an entry a test needs."""


def path_for(benchmark, directory=DEFAULT_DIR):
    return Path(directory) / f"{benchmark}.json"


def _create_hint(benchmark):
    return (f"Review a run, then create it with: pytest -m slow -k {benchmark} --update-baselines")


def load(benchmark, directory=DEFAULT_DIR):
    """The parsed baseline file of ``benchmark``; ``BaselineError`` if it is unusable."""
    path = path_for(benchmark, directory)
    if not path.is_file():
        raise BaselineError(f"No baseline file {path} for benchmark {benchmark!r}. {_create_hint(benchmark)}")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise BaselineError(
            f"Baseline file {path} is not valid JSON ({err.msg} at line {err.lineno}, column {err.colno}). "
            f"Fix it, or restore it with `git checkout -- {path}`."
        ) from None
    problem = _problem(data, benchmark)
    if problem:
        raise BaselineError(f"Baseline file {path} is malformed: {problem}. "
                            f"Fix it, or restore it with `git checkout -- {path}`.")
    return data


def _problem(data, benchmark):
    if not isinstance(data, dict):
        return "the top level is not an object"
    if data.get("format") != FORMAT:
        return f"format is {data.get('format')!r}, this suite reads format {FORMAT}"
    if data.get("benchmark") != benchmark:
        return f"it is for benchmark {data.get('benchmark')!r}, not {benchmark!r}"
    cases = data.get("cases")
    if not isinstance(cases, dict):
        return "it has no 'cases' object"
    for protocol, by_schedule in cases.items():
        for schedule, by_metric in by_schedule.items():
            for metric, entry in by_metric.items():
                where = f"{protocol}/{schedule}/{metric}"
                if metric not in METRICS:
                    return f"unknown metric at {where} (known: {', '.join(METRICS)})"
                missing = [k for k in REQUIRED_KEYS if k not in entry]
                if missing:
                    return f"{where} lacks {', '.join(missing)}"
                if not all(isinstance(entry[k], (int, float)) and math.isfinite(entry[k])
                           for k in ("n", "mean", "std", "threshold")):
                    return f"{where} has a non-numeric n, mean, std or threshold"
    return None


def entry(baseline, protocol, schedule, metric, directory=DEFAULT_DIR):
    """One entry; ``BaselineError`` naming the file and the key if it is absent."""
    found = baseline["cases"].get(protocol, {}).get(schedule, {}).get(metric)
    if found is None:
        raise _no_entry(baseline, f"{protocol}/{schedule}/{metric}", directory)
    return found


def _no_entry(baseline, key, directory):
    path = path_for(baseline["benchmark"], directory)
    return BaselineError(f"Baseline file {path} has no entry {key}. {_create_hint(baseline['benchmark'])}")


def threshold(summary, metric):
    """``(threshold, rule)`` for a new baseline set from ``summary`` of ``metric``.

    The margin is 3 standard errors of a difference between two n-seed means,
    ``3 * std * sqrt(2 / n)``, and never less than the metric's ``min_margin``.
    """
    m = METRICS[metric]
    margin = max(3 * summary["std"] * math.sqrt(2 / summary["n"]), m.min_margin)
    sign = "-" if m.better == "higher" else "+"
    rule = RULE.format(sign=sign, min_margin=m.min_margin, unit=m.unit)
    if m.better == "higher":
        return math.floor((summary["mean"] - margin) * 1e4) / 1e4, rule
    return math.ceil((summary["mean"] + margin) * 1e4) / 1e4, rule


@dataclasses.dataclass
class Verdict:
    """A measured summary judged against its baseline entry (a plain record)."""

    benchmark: str
    protocol: str
    schedule: str
    metric: str
    measured: dict  # summary: n, mean, std, min, max
    baseline: dict  # the entry, or None when there is none yet
    majority_rate: float = None
    reference_note: str = None  # e.g. a write-up's published figures for this benchmark

    @property
    def unit(self):
        return METRICS[self.metric].unit

    @property
    def gated(self):
        return METRICS[self.metric].gated and self.baseline is not None

    @property
    def delta(self):
        return None if self.baseline is None else self.measured["mean"] - self.baseline["mean"]

    @property
    def shortfall(self):
        """How far the measured mean is on the wrong side of the threshold (> 0 fails)."""
        if self.baseline is None:
            return None
        if METRICS[self.metric].better == "higher":
            return self.baseline["threshold"] - self.measured["mean"]
        return self.measured["mean"] - self.baseline["threshold"]

    @property
    def verdict(self):
        if self.baseline is None:
            return "new"
        if not self.gated:
            return "info"
        return "FAIL" if self.shortfall > 0 else "pass"

    def failure_message(self):
        b, m = self.baseline, self.measured
        side = "below" if METRICS[self.metric].better == "higher" else "above"
        prov = b["provenance"]
        return (
            f"{self.benchmark} / {self.protocol} / {self.schedule}: {self.metric} mean {m['mean']:.4f} "
            f"+- {m['std']:.4f} (n={m['n']}, {self.unit}) is {side} the threshold {b['threshold']:.4f} by "
            f"{self.shortfall:.4f}. Baseline: mean {b['mean']:.4f} +- {b['std']:.4f} (n={b['n']}), "
            f"{_provenance_text(prov)}; rule: {b['rule']}. If the change is intended, review it and update "
            f"the baseline: pytest -m slow -k '{self.benchmark} and {self.protocol} and {self.schedule}' "
            "--update-baselines"
        )

    def to_dict(self):
        d = dataclasses.asdict(self)
        d.update(unit=self.unit, gated=self.gated, delta=self.delta, verdict=self.verdict)
        return d


def _provenance_text(prov):
    if prov.get("source") == "published":
        return f"published figure ({prov.get('reference', 'see REFERENCE.md')}), not yet reproduced here"
    return (f"TF {prov.get('tensorflow', '?')} / Keras {prov.get('keras', '?')}, {prov.get('device', '?')}, "
            f"{prov.get('date', '?')}")


def judge(baseline, benchmark, protocol, schedule, summaries, majority_rate=None, directory=DEFAULT_DIR,
          reference_note=None):
    """Verdicts for every metric of one case; ``baseline`` None means none exists yet.

    A case absent from the file is a ``BaselineError``; a metric absent from the case is "new".
    """
    case = None if baseline is None else case_entries(baseline, protocol, schedule, directory)
    return [Verdict(benchmark, protocol, schedule, metric, summary, None if case is None else case.get(metric),
                    majority_rate, reference_note) for metric, summary in summaries.items()]


def case_entries(baseline, protocol, schedule, directory=DEFAULT_DIR):
    """All entries of one case; ``BaselineError`` naming the file if the case is absent.

    A metric the case lacks (a published figure gives accuracy only) is judged "new".
    """
    found = baseline["cases"].get(protocol, {}).get(schedule)
    if found is None:
        raise _no_entry(baseline, f"{protocol}/{schedule}", directory)
    return found


def updated(old, benchmark, measured, provenance, holds_for=()):
    """A new baseline document: ``old`` (or empty) with every measured case replaced.

    ``measured`` maps ``(protocol, schedule)`` to ``{metric: summary}``. Cases not
    measured in this session are kept as they were. ``holds_for`` lists the
    environments (``environment_label``) the new entries are known to hold for.
    """
    new = copy.deepcopy(old) if old is not None else {"format": FORMAT, "benchmark": benchmark, "cases": {}}
    for (protocol, schedule), summaries in measured.items():
        by_metric = {}
        for metric, summary in summaries.items():
            limit, rule = threshold(summary, metric)
            by_metric[metric] = {
                **{k: summary[k] for k in ("n", "mean", "std", "min", "max")},
                "unit": METRICS[metric].unit,
                "better": METRICS[metric].better,
                "gated": METRICS[metric].gated,
                "threshold": limit,
                "rule": rule,
                "provenance": dict(provenance),
                "holds_for": list(holds_for),
            }
        new["cases"].setdefault(protocol, {})[schedule] = by_metric
    return new


def environment_label(env):
    """A short name for an environment: TF / Keras versions, backend and device."""
    return (f"TF {env.get('tensorflow', '-')} / Keras {env.get('keras', '-')} "
            f"({env.get('keras_backend', '-')}), {env.get('device', '-')}")


def with_holds_for(doc, cases, label):
    """A copy of ``doc`` whose entries of ``cases`` list ``label`` under ``holds_for``."""
    new = copy.deepcopy(doc)
    for protocol, schedule in cases:
        for e in new["cases"][protocol][schedule].values():
            holds = e.setdefault("holds_for", [])
            if label not in holds:
                holds.append(label)
    return new


def diff_rows(old, new):
    """``(protocol, schedule, metric, old threshold, new threshold, old mean, new mean, delta)`` rows."""
    rows = []
    for protocol, by_schedule in new["cases"].items():
        for schedule, by_metric in by_schedule.items():
            for metric, e in by_metric.items():
                before = (old or {}).get("cases", {}).get(protocol, {}).get(schedule, {}).get(metric)
                rows.append((protocol, schedule, metric,
                             None if before is None else before["threshold"], e["threshold"],
                             None if before is None else before["mean"], e["mean"],
                             None if before is None else e["mean"] - before["mean"]))
    return rows


def write_atomic(path, data):
    """Write ``data`` as JSON to ``path`` via a temporary file and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=2, sort_keys=False)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
