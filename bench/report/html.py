"""A report folder for a run of the slow suite: index.html with its plots, plus Markdown and JSON.

Static files only (no scripts, no network): open ``index.html`` in any browser, offline.
Rendering only: it reads verdict records and run histories and measures nothing.
"""

import html
from pathlib import Path

from tabulate import tabulate

from bench.engine.records import CaseId
from bench.report.plots import plot_lr, plot_training
from bench.report.tables import COMPARISON_HEADERS, comparison_rows, notes, render_json, render_markdown

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; }
th { background: #eee; }
td.FAIL { background: #f8d0d0; font-weight: bold; } td.pass { background: #d8f0d8; }
figure { display: inline-block; margin: 0.5em; } img { max-width: 800px; border: 1px solid #ddd; }
"""


def _slug(case):
    return "-".join(case).replace("/", "_").replace(" ", "_")


def _comparison_table(verdicts):
    head = "".join(f"<th>{html.escape(h)}</th>" for h in COMPARISON_HEADERS)
    body = []
    for row in comparison_rows(verdicts):
        cells = "".join(f"<td>{html.escape(str(c))}</td>" for c in row[:-1])
        body.append(f'<tr>{cells}<td class="{html.escape(row[-1])}">{html.escape(row[-1])}</td></tr>')
    return f'<table id="comparison"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _provenance_table(verdicts):
    rows, seen = [], set()
    for v in verdicts:
        if v.baseline is None or (v.benchmark, v.protocol, v.case) in seen:
            continue
        seen.add((v.benchmark, v.protocol, v.case))
        p = v.baseline["provenance"]
        rows.append(
            [
                v.benchmark,
                v.protocol,
                v.case,
                p.get("source", ""),
                p.get("tensorflow", ""),
                p.get("keras", ""),
                p.get("device", p.get("reference", "")),
                p.get("date", ""),
                p.get("command", p.get("note", "")),
                "; ".join(v.baseline.get("holds_for", [])),
            ]
        )
    return tabulate(
        rows,
        headers=[
            "benchmark",
            "protocol",
            "case",
            "source",
            "TF",
            "Keras",
            "device / reference",
            "date",
            "command / note",
            "holds for",
        ],
        tablefmt="html",
    )


def write(directory, verdicts, histories, environment):
    """Write the report into the new folder ``directory``; returns the path of index.html.

    ``histories`` maps ``(benchmark, protocol, case)`` to the per-seed run histories.
    """
    directory = Path(directory)
    (directory / "plots").mkdir(parents=True)
    sections = []
    for case, runs in histories.items():
        slug, title = _slug(case), str(CaseId(*case))
        plot_lr(runs, directory / "plots" / f"{slug}-lr.png", title)
        plot_training(runs, directory / "plots" / f"{slug}-training.png", title)
        sections.append(
            f"<h3>{html.escape(title)}</h3>"
            f'<figure><img src="plots/{slug}-lr.png" alt="{html.escape(title)} learning rate">'
            f"<figcaption>learning rate per epoch</figcaption></figure>"
            f'<figure><img src="plots/{slug}-training.png" alt="{html.escape(title)} training history">'
            f"<figcaption>loss and validation metric per epoch</figcaption></figure>"
        )
    env_rows = tabulate(sorted(environment.items()), headers=["", "measured with"], tablefmt="html")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Learning-rate schedule benchmarks</title>
<style>{STYLE}</style></head><body>
<h1>Learning-rate schedule benchmarks</h1>
<h2>Comparison with the baselines</h2>
{_comparison_table(verdicts)}
<ul>{"".join(f"<li>{html.escape(n)}</li>" for n in notes(verdicts))}</ul>
<h2>This run</h2>
{env_rows}
<h2>Per case (mean over seeds; the band spans min..max)</h2>
{"".join(sections)}
<h2>Where each baseline comes from</h2>
{_provenance_table(verdicts)}
</body></html>
"""
    index = directory / "index.html"
    index.write_text(page)
    (directory / "report.md").write_text(render_markdown(verdicts, [f"Measured: {environment}"]))
    (directory / "report.json").write_text(render_json(verdicts, environment))
    return index
