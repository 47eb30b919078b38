"""A verdict per environment of the version matrix: each environment's runs of each case, judged.

Two questions, at one session-wide alpha (``gates.SESSION_ALPHA`` over every test the matrix makes):

- **the nightly's gates**, each environment's seed mean against the committed baseline entry, by
  the same rule as ``pytest -m slow`` (``gates.judge_metric``): ``WORSE`` (the headline metric, one
  sided) or ``CHANGED`` (the training loss, two-sided);
- **seed by seed against a reference environment** (the one the baseline was measured in when it
  ran, else the first): where every gated metric of every shared seed is bit-identical the cell is
  ``identical``; where they differ, a paired t-test on the per-seed differences (``paired_test``)
  says ``CHANGED`` when the mean difference is beyond chance and at least ``gates.CHANGED_FLOOR`` of
  the reference mean. Paired seeds cancel the seed-to-seed spread, so this sees far smaller
  changes than two means do; two environments whose arithmetic differs without changing training
  give differences centred on zero, which the test holds at its alpha.

Pure: no files, no printing (``python -m bench matrix`` reads the results store and renders).
"""

import dataclasses
import math

import numpy as np
from scipy import special

from bench.engine.records import summarize
from bench.statistics import gates
from bench.statistics.verdicts import Verdict

MIN_PAIRED_SEEDS = 5  # fewer shared seeds: no paired test (its p-value cannot get small enough)


@dataclasses.dataclass
class Runs:
    """One environment's runs of one case: per-seed values of each metric, seeds in order."""

    env: str
    benchmark: str
    protocol: str
    case: str
    seeds: list
    values: dict  # metric -> [value per seed]
    epochs: int
    schedule: str = None
    train_seconds: float = 0.0  # the seeds' training time, summed (a stacked group's time counted once)


@dataclasses.dataclass
class Cell:
    """One environment's verdict on one case: ``status`` is identical / same / CHANGED / WORSE /
    FAILED (its training stopped: a non-finite loss, a rate off its schedule) / did not train /
    not run; ``text`` what the table shows."""

    env: str
    benchmark: str
    protocol: str
    case: str
    status: str
    text: str
    reference: str = None
    findings: list = dataclasses.field(default_factory=list)  # every failed test: metric, test, delta %, p

    @property
    def failed(self):
        return self.status in ("CHANGED", "WORSE", "FAILED")


def paired_test(diffs):
    """Two-sided p-value of a paired t-test that the per-seed differences ``diffs`` centre on zero.

    Zero differences everywhere give 1.0; identical nonzero differences (no spread) give 0.0."""
    d = np.asarray(diffs, dtype=np.float64)
    if np.all(d == 0):
        return 1.0
    sd = d.std(ddof=1)
    if sd == 0:
        return 0.0
    t = d.mean() / (sd / math.sqrt(len(d)))
    return t_two_sided(t, len(d) - 1)


def t_two_sided(t, df):
    """P(|T| >= |t|) for Student's t with ``df`` degrees of freedom: SciPy's Student t distribution function,
    ``scipy.special.stdtr`` (what ``scipy.stats.t.sf`` computes, the same float, without its 80 us of argument
    handling per call: the matrix's own calibration asks 4,000 times)."""
    return float(2.0 * special.stdtr(df, -abs(t)))


def reference_env(envs, baseline_label):
    """The environment every other one is compared with seed by seed: the baseline's, when it ran."""
    return baseline_label if baseline_label in envs else sorted(envs)[0]


def shared_seeds(a, b):
    """The seeds both ``Runs`` trained, in ``a``'s order."""
    theirs = set(b.seeds)
    return [s for s in a.seeds if s in theirs]


def _gated(entries):
    return [m for m in gates.gated_metrics(entries) if "values" in entries[m] or "threshold" in entries[m]]


def _paired_metrics(runs, reference, entries):
    """The gated metrics ``runs`` is tested on seed by seed against ``reference`` (None: no paired test)."""
    if reference is None or runs.env == reference.env or len(shared_seeds(runs, reference)) < MIN_PAIRED_SEEDS:
        return []
    return [m for m in gates.gated_metrics(entries) if m in runs.values and m in reference.values]


def tests_per_case(entries, envs):
    """The tests a matrix run of ``envs`` environments makes on one case whose baseline entries are
    ``entries``, when every environment trains it on the same seeds: each environment's gates, and
    each environment but the reference's paired tests."""
    return envs * len(_gated(entries)) + (envs - 1) * len(gates.gated_metrics(entries))


def count_tests(by_case, entries_of, baseline_label_of):
    """T: every gate test and every paired test the matrix can make, over all environments and cases."""
    total = 0
    for key, by_env in by_case.items():
        entries = entries_of(key)
        reference = by_env.get(reference_env(by_env, baseline_label_of(key[0]))) if by_env else None
        for runs in by_env.values():
            total += len([m for m in _gated(entries) if m in runs.values])
            total += len(_paired_metrics(runs, reference, entries))
    return total


def judge_case(by_env, entries, reference_label, alpha):
    """``{env: Cell}`` for one case's runs in each environment (``{env: Runs}``)."""
    reference = by_env.get(reference_label)
    cells = {}
    for env, runs in by_env.items():
        findings = _gate_findings(runs, entries, alpha)
        pairs = _paired_metrics(runs, reference, entries)
        identical = bool(pairs) and all(_same_bits(runs, reference, m) for m in pairs)
        if not identical:
            findings += _paired_findings(runs, reference, pairs, alpha)
        status = (
            "WORSE"
            if any(f["status"] == "WORSE" for f in findings)
            else "CHANGED"
            if findings
            else "identical"
            if identical
            else "same"
        )
        cells[env] = Cell(
            env,
            runs.benchmark,
            runs.protocol,
            runs.case,
            status,
            _text(status, findings),
            reference=None if reference is None or env == reference.env else reference.env,
            findings=findings,
        )
    return cells


def _gate_findings(runs, entries, alpha):
    out = []
    for metric in _gated(entries):
        if metric not in runs.values:
            continue
        v = gates.judge_metric(
            Verdict(
                runs.benchmark,
                runs.protocol,
                runs.case,
                metric,
                summarize(runs.values[metric]),
                baseline=entries[metric],
            ),
            alpha,
        )
        if v.verdict in ("FAIL", "CHANGED"):
            base = entries[metric]["mean"]
            out.append(
                {
                    "status": "WORSE" if v.verdict == "FAIL" else "CHANGED",
                    "metric": metric,
                    "test": "gate",
                    "delta_pct": 100 * v.delta / base if base else None,
                    "p_value": v.p_value,
                }
            )
    return out


def _paired_values(runs, reference, metric):
    """``(mine, theirs)``: ``metric``'s values on the seeds both ran, in ``runs``' seed order."""
    seeds = shared_seeds(runs, reference)
    mine = dict(zip(runs.seeds, runs.values[metric]))
    theirs = dict(zip(reference.seeds, reference.values[metric]))
    return [mine[s] for s in seeds], [theirs[s] for s in seeds]


def _same_bits(runs, reference, metric):
    mine, theirs = _paired_values(runs, reference, metric)
    return mine == theirs


def _paired_findings(runs, reference, metrics, alpha):
    out = []
    for metric in metrics:
        mine, theirs = _paired_values(runs, reference, metric)
        diffs = [a - b for a, b in zip(mine, theirs)]
        ref_mean = float(np.mean(theirs))
        p = paired_test(diffs)
        shift = float(np.mean(diffs))
        if p < alpha and abs(shift) >= gates.CHANGED_FLOOR * abs(ref_mean):
            out.append(
                {
                    "status": "CHANGED",
                    "metric": metric,
                    "test": f"paired with {reference.env}",
                    "delta_pct": 100 * shift / ref_mean if ref_mean else None,
                    "p_value": p,
                }
            )
    return out


def _text(status, findings):
    if not findings:
        return status
    parts = []
    for f in findings:
        delta = "" if f["delta_pct"] is None else f" {f['delta_pct']:+.1f} %"
        p = "" if f["p_value"] is None else f" (p {_p(f['p_value'])}{', paired' if f['test'] != 'gate' else ''})"
        parts.append(f"{f['status']} {f['metric']}{delta}{p}")
    return "; ".join(parts)


def _p(p):
    return "< 1e-05" if p < 1e-5 else f"= {p:.2g}"
