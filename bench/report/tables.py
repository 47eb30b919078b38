"""Rendering of result records: terminal and Markdown tables, JSON. Measures nothing."""

import json

from tabulate import tabulate

from bench.engine.records import METRICS

COMPARISON_HEADERS = ["benchmark", "protocol", "schedule", "metric", "baseline", "measured mean +- std (n)",
                      "delta", "verdict"]


def _num(x, unit):
    if x is None:
        return "-"
    return f"{x:.1f}" if unit == "epochs" else f"{x:.3f}" if unit == "k$" else f"{x:.4f}"


def _baseline_cell(v):
    if v.baseline is None:
        return "none yet"
    b = v.baseline
    sign = ">=" if METRICS[v.metric].better == "higher" else "<="
    mean = f"mean {_num(b['mean'], v.unit)}"
    return f"{sign} {_num(b['threshold'], v.unit)} ({mean})" if v.gated else mean


def comparison_rows(verdicts):
    rows = []
    for v in verdicts:
        m = v.measured
        delta = "-" if v.delta is None else f"{v.delta:+.4f}" if v.unit != "epochs" else f"{v.delta:+.1f}"
        rows.append([v.benchmark, v.protocol, v.schedule, f"{v.metric} [{v.unit}]", _baseline_cell(v),
                     f"{_num(m['mean'], v.unit)} +- {_num(m['std'], v.unit)} ({m['n']})", delta, v.verdict])
    return rows


def notes(verdicts):
    """Lines that say how to read the table: majority rates and where baselines come from."""
    lines = []
    seen = set()
    for v in verdicts:
        key = (v.benchmark, v.protocol)
        if v.majority_rate is not None and key not in seen:
            seen.add(key)
            lines.append(f"{v.benchmark} / {v.protocol}: always predicting the validation set's majority "
                         f"class scores {v.majority_rate:.3f}; read accuracies against that.")
    provenances = {}
    for v in verdicts:
        if v.baseline is not None:
            p = v.baseline["provenance"]
            text = (f"published ({p.get('reference', '')}), not yet reproduced here"
                    if p.get("source") == "published" else
                    f"n={v.baseline['n']} seeds, TF {p.get('tensorflow')} / Keras {p.get('keras')}, "
                    f"{p.get('device')}, {p.get('date')}, by `{p.get('command')}`")
            provenances.setdefault((v.benchmark, text), None)
    for benchmark, text in provenances:
        lines.append(f"baseline {benchmark}: {text}")
    for v in verdicts:
        if v.reference_note and v.reference_note not in lines:
            lines.append(v.reference_note)
    lines.extend(_published_orderings(verdicts))
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
            return " > ".join(f"{v.schedule} {key(v):.4f}" for v in sorted(vs, key=key, reverse=True))
        lines.append(f"{benchmark} / {protocol} final_val_accuracy, published ranking: "
                     f"{ranking(lambda v: v.baseline['mean'])}; measured here: {ranking(lambda v: v.measured['mean'])}")
    return lines


def render_comparison(verdicts, fmt="simple"):
    """The comparison table and its notes, as text (``fmt``: a tabulate format)."""
    table = tabulate(comparison_rows(verdicts), headers=COMPARISON_HEADERS, tablefmt=fmt,
                     disable_numparse=True)
    return "\n".join([table, "", *notes(verdicts)])


def render_markdown(verdicts, header_lines=()):
    table = tabulate(comparison_rows(verdicts), headers=COMPARISON_HEADERS, tablefmt="github",
                     disable_numparse=True)
    lines = ["# Learning-rate schedule benchmarks", "", *header_lines, "", table, "",
             *[f"- {line}" for line in notes(verdicts)]]
    return "\n".join(lines) + "\n"


def render_json(verdicts, environment):
    return json.dumps({"environment": environment, "verdicts": [v.to_dict() for v in verdicts]}, indent=2)


def render_baseline_diff(benchmark, rows):
    """The review table printed by --update-baselines: old / new / delta per entry."""
    fmt = lambda x: "-" if x is None else f"{x:.4f}"  # noqa: E731
    table = [[benchmark, p, s, m, fmt(ot), fmt(nt), fmt(om), fmt(nm), "new" if d is None else f"{d:+.4f}"]
             for p, s, m, ot, nt, om, nm, d in rows]
    return tabulate(table, headers=["benchmark", "protocol", "schedule", "metric", "old threshold",
                                    "new threshold", "old mean", "new mean", "delta mean"],
                    disable_numparse=True)


def render_summary_table(summaries):
    """For ``python -m bench.<name>``: mean +- std (n) of each metric per case."""
    rows = []
    for (benchmark, protocol, schedule), (by_metric, majority) in summaries.items():
        for metric, s in by_metric.items():
            unit = METRICS[metric].unit
            rows.append([benchmark, protocol, schedule, f"{metric} [{unit}]",
                         f"{_num(s['mean'], unit)} +- {_num(s['std'], unit)} ({s['n']})",
                         f"{_num(s['min'], unit)} .. {_num(s['max'], unit)}", f"{majority:.3f}"])
    return tabulate(rows, headers=["benchmark", "protocol", "schedule", "metric", "mean +- std (n)",
                                   "min .. max", "majority rate"], disable_numparse=True)
