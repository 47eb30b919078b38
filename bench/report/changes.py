"""Rendering of a comparison of two revisions (``python -m bench compare``) as Markdown: for a terminal,
a pull request's comment and a job summary. Measures nothing: it reads the report dict ``compare`` builds."""

from tabulate import tabulate

from bench.engine.records import METRICS

SUBJECT_CHARS = 72  # a commit's subject as the comment shows it (git's own advice for a subject line)
VERDICT_WORDS = {
    "identical": "identical",
    "changed": "**changed**",
    "worse": "**worse**",
    "new": "new",
    "removed": "removed",
    "did not train": "**did not train**",
}


def _num(x, unit):
    if x is None:
        return "-"
    return f"{x:+.1f}" if unit == "epochs" else f"{x:+.3f}" if unit == "k$" else f"{x:+.4f}"


def _p(p):
    return "-" if p is None else "< 1e-6" if p < 1e-6 else f"{p:.2g}"


def verdict_text(row):
    text = VERDICT_WORDS[row["status"]]
    if row["status"] in ("changed", "worse") and row["declared"]:
        text += ", baseline updated"
    elif row["status"] == "new" and row["declared"]:
        text += ", baseline added"
    return text


def gates_text(row):
    judged = [g for g in row["gates"] if g["verdict"] in ("pass", "FAIL", "CHANGED", "new")]
    if not judged:
        return "-"
    bad = [f"{g['verdict']} {g['metric']}" for g in judged if g["verdict"] in ("FAIL", "CHANGED")]
    if bad:
        return "; ".join(bad)
    if all(g["verdict"] == "new" for g in judged):
        return "no baseline"
    return f"pass ({sum(g['verdict'] == 'pass' for g in judged)})"


def _headline_cell(pair):
    if pair is None or pair["status"] == "identical":
        return "0 (same bits)" if pair else "-"
    d = next(d for d in pair["differences"] if d["metric"] == pair["headline"])
    return f"{_num(d['mean'], d['unit'])} ({_num(d['low'], d['unit'])} .. {_num(d['high'], d['unit'])}) {d['unit']}"


def _parts_cell(pair):
    if pair is None or pair["parted_epoch"] is None:
        return "-"
    return f"epoch {pair['parted_epoch']} ({', '.join(pair['parted_on'])})"


def case_table(report):
    rows = []
    for row in report["cases"]:
        pair = row["pair"]
        rows.append(
            [
                row["case"],
                verdict_text(row),
                len(pair["seeds"]) if pair else "-",
                _parts_cell(pair),
                _headline_cell(pair),
                _p(pair["worse_p"]) if pair else "-",
                gates_text(row),
                row.get("how", ""),
            ]
        )
    headers = [
        "case",
        "verdict",
        "seeds",
        "histories part at",
        "headline, HEAD - BASE (95 % interval)",
        "p (worse, one-sided)",
        "HEAD's gates",
        "runs (BASE/HEAD)",
    ]
    return tabulate(rows, headers=headers, tablefmt="github")


def differences_table(report):
    rows = []
    for row in report["cases"]:
        pair = row["pair"]
        if not pair or pair["status"] == "identical":
            continue
        for d in pair["differences"]:
            rows.append(
                [
                    row["case"],
                    f"{d['metric']} [{d['unit']}]",
                    f"{d['base_mean']:.4f}",
                    f"{d['head_mean']:.4f}",
                    f"{_num(d['mean'], d['unit'])} ({_num(d['low'], d['unit'])} .. {_num(d['high'], d['unit'])})",
                    _p(d["p_value"]),
                    d["n"],
                ]
            )
    if not rows:
        return ""
    headers = [
        "case",
        "metric",
        "BASE mean",
        "HEAD mean",
        "paired difference (95 % interval)",
        "p (two-sided)",
        "seeds",
    ]
    return tabulate(rows, headers=headers, tablefmt="github")


def _machine(m):
    lib = f"TF {m.get('tensorflow', '-')} / Keras {m.get('keras', '-')} ({m.get('keras_backend', '-')})"
    return (
        f"{lib}, Python {m.get('python', '-')}, CPU {m.get('cpu', '-')} ({m.get('cpu_isa', '-')}), GPUs {m.get('gpus')}"
    )


def _side(name, side):
    trained = (
        f"trained {len(side['trained'])} case(s) in {side['train_seconds']:.0f} s"
        if side["trained"]
        else "trained nothing"
    )
    subject = side["subject"] if len(side["subject"]) <= SUBJECT_CHARS else side["subject"][: SUBJECT_CHARS - 3] + "..."
    return (
        f'- **{name}**: {side["label"]}, "{subject}"; code fingerprint `{side["fingerprint"]}`; '
        f"{trained}, {len(side['reused'])} case(s) from the store"
    )


def markdown(report):
    """The whole comparison as Markdown: what was compared, the table, the changed cases' figures, what to do."""
    counts = {}
    for row in report["cases"]:
        counts[verdict_text(row).replace("*", "")] = counts.get(verdict_text(row).replace("*", ""), 0) + 1
    lines = [
        f"## python -m bench compare: {report['base']['label']} -> {report['head']['label']}",
        "",
        _side("BASE", report["base"]),
        _side("HEAD", report["head"]),
        f"- machine: {_machine(report['machine'])}",
        f"- the same seeds at both revisions; `worse` at alpha {report['alpha']['worse']:.2g} (1 % over the cases "
        f"compared, one test each), HEAD's gates at alpha {report['alpha']['gates']:.2g} (as a nightly: 1 % over "
        f"their gated tests); wall time {report['wall_seconds']:.0f} s",
        "",
        "; ".join(f"{n} {word}" for word, n in counts.items()) or "no case to compare",
        "",
        case_table(report),
    ]
    table = differences_table(report)
    if table:
        lines += ["", "### Changed cases, per gated metric (HEAD - BASE, seed by seed)", "", table]
    todo = [r for r in report["cases"] if r["status"] in ("changed", "worse") and not r["declared"]]
    if todo:
        lines += [
            "",
            "### Undeclared changes",
            "",
            "If a change is intended, declare it: update the case's baseline entry in this branch and commit it.",
            "",
        ]
        lines += [f"- {r['case']}: `{r['update']}`" for r in todo]
    stopped = [r for r in report["cases"] if r["status"] == "did not train"]
    for r in stopped:
        lines += ["", f"**{r['case']} did not train** {r['why']}"]
    failing = [r["case"] for r in report["cases"] if r["fails"]]
    lines += [
        "",
        f"exit {report['exit']}: "
        + (
            f"{len(failing)} case(s) need attention: {', '.join(failing)}"
            if failing
            else "nothing changed that was not declared"
        ),
    ]
    return "\n".join(lines)


__all__ = ["markdown", "METRICS"]
