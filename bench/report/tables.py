"""Rendering of result records: terminal and Markdown tables, JSON. Measures nothing."""

import json

from tabulate import tabulate

from bench.engine.records import METRICS

COMPARISON_HEADERS = [
    "benchmark",
    "protocol",
    "case",
    "metric",
    "baseline",
    "measured mean +- std (n)",
    "delta",
    "verdict",
]


def _num(x, unit):
    if x is None:
        return "-"
    return f"{x:.1f}" if unit == "epochs" else f"{x:.3f}" if unit == "k$" else f"{x:.4f}"


def _baseline_cell(v):
    if v.baseline is None and v.collecting:
        return f"collecting: {v.collecting[0]} of {v.collecting[1]} seeds"
    if v.baseline is None:
        return "none yet"
    b = v.baseline
    mean = f"mean {_num(b['mean'], v.unit)}"
    if not v.gated:
        return mean
    if v.low is not None and v.high is not None:
        return f"{_num(v.low, v.unit)} .. {_num(v.high, v.unit)} ({mean})"
    return f">= {_num(v.low, v.unit)} ({mean})" if v.low is not None else f"<= {_num(v.high, v.unit)} ({mean})"


def _measured_cell(v):
    m = v.measured
    text = f"{_num(m['mean'], v.unit)} +- {_num(m['std'], v.unit)} ({m['n']})"
    return f"no baseline: measured {text}" if v.verdict == "new" else text


QUICK_VERDICT = "quick: trained, not judged"  # a quick pass's cases (--bench-quick)


def comparison_rows(verdicts):
    rows = []
    for v in verdicts:
        delta = "-" if v.delta is None else f"{v.delta:+.4f}" if v.unit != "epochs" else f"{v.delta:+.1f}"
        quick = v.verdict == "quick"
        rows.append(
            [
                v.benchmark,
                v.protocol,
                v.case,
                f"{v.metric} [{v.unit}]",
                "-" if quick else _baseline_cell(v),
                _measured_cell(v),
                delta,
                QUICK_VERDICT if quick else v.verdict,
            ]
        )
    return rows


def notes(verdicts):
    """Lines that say how to read the table: majority rates and where baselines come from."""
    lines = []
    seen = set()
    for v in verdicts:
        key = (v.benchmark, v.protocol)
        if v.majority_rate is not None and key not in seen:
            seen.add(key)
            lines.append(
                f"{v.benchmark} / {v.protocol}: always predicting the validation set's majority "
                f"class scores {v.majority_rate:.3f}; read accuracies against that."
            )
    provenances = {}
    for v in verdicts:
        if v.baseline is not None:
            p = v.baseline["provenance"]
            text = (
                f"published ({p.get('reference', '')}), not yet reproduced here"
                if p.get("source") == "published"
                else f"n={v.baseline['n']} seeds, TF {p.get('tensorflow')} / Keras {p.get('keras')}, "
                f"{p.get('device')}, {p.get('date')}, by `{p.get('command')}`"
            )
            provenances.setdefault((v.benchmark, text), None)
    for benchmark, text in provenances:
        lines.append(f"baseline {benchmark}: {text}")
    for v in verdicts:
        if v.reference_note and v.reference_note not in lines:
            lines.append(v.reference_note)
    lines.extend(_published_orderings(verdicts))
    lines.extend(_gate_notes(verdicts))
    return lines


def _gate_notes(verdicts):
    """The rule behind the bands, seed overlap with the baselines, and which benchmarks gate each schedule."""
    lines = []
    alphas = sorted({v.alpha for v in verdicts if v.alpha is not None})
    if alphas:
        lines.append(
            f"gates: worse (one-sided, headline metric) and changed (two-sided, final and mean train loss), "
            f"each at alpha {alphas[0]:.2g} = 1 % / the session's gated tests (Bonferroni); bands from "
            "resampling the baseline's own seeds"
        )
    overlapping = sorted({v.benchmark for v in verdicts if v.seeds_overlap})
    for benchmark in overlapping:
        lines.append(
            f"baseline {benchmark}: this run's seeds overlap the seeds its baseline was measured on, so a pass "
            "shows the run is deterministic, not that the gate holds; use --bench-first-seed for unseen seeds"
        )
    gated_by = {}
    for v in verdicts:
        if v.schedule and v.gated:
            gated_by.setdefault(v.schedule, set()).add(f"{v.benchmark} ({v.case})")
    if gated_by:
        lines.append(
            "schedules gated in this run: "
            + "; ".join(f"{name}: {', '.join(sorted(where))}" for name, where in sorted(gated_by.items()))
        )
    return lines


def _published_orderings(verdicts):
    """For published baselines: the write-up's ranking of schedules beside the one measured here."""
    by_case = {}
    for v in verdicts:
        if v.metric == "final_val_accuracy" and v.baseline and v.baseline["provenance"].get("source") == "published":
            by_case.setdefault((v.benchmark, v.protocol), []).append(v)
    lines = []
    for (benchmark, protocol), vs in by_case.items():

        def ranking(key):
            return " > ".join(f"{v.case} {key(v):.4f}" for v in sorted(vs, key=key, reverse=True))

        lines.append(
            f"{benchmark} / {protocol} final_val_accuracy, published ranking: "
            f"{ranking(lambda v: v.baseline['mean'])}; measured here: {ranking(lambda v: v.measured['mean'])}"
        )
    return lines


def comparison_table(verdicts, fmt="simple"):
    """The comparison table alone, as text (``fmt``: a tabulate format)."""
    return tabulate(comparison_rows(verdicts), headers=COMPARISON_HEADERS, tablefmt=fmt, disable_numparse=True)


def render_comparison(verdicts, fmt="simple"):
    """The comparison table and its notes, as text (``fmt``: a tabulate format)."""
    return "\n".join([comparison_table(verdicts, fmt), "", *notes(verdicts)])


def render_markdown(verdicts, header_lines=()):
    table = tabulate(comparison_rows(verdicts), headers=COMPARISON_HEADERS, tablefmt="github", disable_numparse=True)
    lines = [
        "# Learning-rate schedule benchmarks",
        "",
        *header_lines,
        "",
        table,
        "",
        *[f"- {line}" for line in notes(verdicts)],
    ]
    return "\n".join(lines) + "\n"


def render_json(verdicts, environment):
    return json.dumps({"environment": environment, "verdicts": [v.to_dict() for v in verdicts]}, indent=2)


def render_baseline_diff(benchmark, rows):
    """The review table printed by --update-baselines: old / new seeds and mean per entry."""
    fmt = lambda x: "-" if x is None else f"{x:.4f}"  # noqa: E731
    table = [
        [benchmark, p, c, m, "-" if on is None else on, nn, fmt(om), fmt(nm), "new" if d is None else f"{d:+.4f}"]
        for p, c, m, on, nn, om, nm, d in rows
    ]
    return tabulate(
        table,
        headers=[
            "benchmark",
            "protocol",
            "case",
            "metric",
            "old seeds",
            "new seeds",
            "old mean",
            "new mean",
            "delta mean",
        ],
        disable_numparse=True,
    )


def render_summary_table(summaries):
    """For ``python -m bench.<name>``: mean +- std (n) of each metric per case."""
    rows = []
    for (benchmark, protocol, case), (by_metric, majority) in summaries.items():
        for metric, s in by_metric.items():
            unit = METRICS[metric].unit
            rows.append(
                [
                    benchmark,
                    protocol,
                    case,
                    f"{metric} [{unit}]",
                    f"{_num(s['mean'], unit)} +- {_num(s['std'], unit)} ({s['n']})",
                    f"{_num(s['min'], unit)} .. {_num(s['max'], unit)}",
                    f"{majority:.3f}",
                ]
            )
    return tabulate(
        rows,
        headers=["benchmark", "protocol", "case", "metric", "mean +- std (n)", "min .. max", "majority rate"],
        disable_numparse=True,
    )


def duration_text(seconds):
    """``2 h 05 min``, ``4 min 10 s`` or ``12.3 s``; ``unknown`` for None."""
    if seconds is None:
        return "unknown"
    if seconds >= 3600:
        return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"
    if seconds >= 60:
        return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"
    return f"{seconds:.1f} s"


def _decision_text(row):
    """What a plan row says of its case tonight (``bench.planning.plan.Row``)."""
    e = row.entry
    if row.decision == "cannot train here":
        return f"cannot train here: {e.cannot}"
    if row.decision == "over budget":
        return "over budget: its estimate alone exceeds the night's; it never trains under this budget"
    last = "never trained on this machine" if e.last_trained is None else f"last trained {e.last_trained[:10]}"
    if row.decision == "deferred":
        due = (
            f"OVERDUE by {-row.due_in} night(s)"
            if row.due_in < 0
            else "due tonight: OVERDUE"
            if row.due_in == 0
            else (f"due in {row.due_in} night(s)")
        )
        return f"deferred: {last}; {due}"
    return f"tonight ({last})"


PLAN_HEADERS = ["case", "seeds", "epochs", "estimate", "estimate from", "tonight", "baseline"]


def plan_table(plan):
    """The night's plan as a terminal table, then its totals: a row per selected case (``bench.planning.plan.Plan``)."""
    rows = []
    for row in plan.rows:
        e = row.entry
        collecting = "-" if e.collecting is None else f"collecting: {e.collecting[0]} of {e.collecting[1]} seeds"
        estimate, source = duration_text(e.seconds), e.estimate.detail
        rows.append([str(e.case), e.seeds, e.epochs, estimate, source, _decision_text(row), collecting])
    table = tabulate(
        rows, headers=PLAN_HEADERS, disable_numparse=True, maxcolwidths=[None, None, None, None, 48, 56, None]
    )
    counts = {}
    for row in plan.rows:
        counts[row.decision] = counts.get(row.decision, 0) + 1
    budget = "no budget" if plan.budget_s is None else f"the budget {duration_text(plan.budget_s)}"
    total = (
        f"tonight: {counts.get('tonight', 0)} case(s), estimated {duration_text(plan.total_s)} of {budget}; "
        f"deferred {counts.get('deferred', 0)}, over budget {counts.get('over budget', 0)}, cannot train here "
        f"{counts.get('cannot train here', 0)}; a whole rotation takes {plan.period} night(s) at these estimates; "
        f"{plan.nights_before} earlier night(s) of this machine in the history store"
    )
    return f"{table}\n{total}"
