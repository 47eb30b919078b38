"""The dashboard: a static site of the history, one page per benchmark (rendering only).

``write(out_dir, analysed, source, label)`` takes ``[(History, [Shift])]`` (``bench/statistics/night_series.py``)
and a function naming an environment, and
writes ``index.html`` and ``<benchmark>.html``: for every case and gated metric an SVG chart of the
nights (the seed mean as a point, the seeds' standard deviation as its bar), the gate's band for
each night, failed nights in red, and each change point as a dashed line before the first night
after the shift. Every point's tooltip, and the table under each chart, give the night's date,
commit, environment and values. No script, no server, nothing fetched: the files open from disk.
"""

import html
from pathlib import Path

WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 14, 34
STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.5em; }
td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
.chart { margin: 1em 0 0.2em; }
.band { fill: #4a90d9; fill-opacity: 0.15; stroke: none; }
.bandline { stroke: #4a90d9; stroke-dasharray: 2 2; }
.night { fill: #333; }
.night.failed { fill: #d0021b; }
.spread { stroke: #777; }
.change-point { stroke: #e67e00; stroke-width: 2; stroke-dasharray: 6 4; }
.shift-label { fill: #e67e00; font-size: 11px; }
.axis { stroke: #999; }
.tick { font-size: 10px; fill: #555; }
.failed-row { color: #d0021b; }
"""


def write(out_dir, analysed, source, label):
    """Write the site into ``out_dir`` (a new or empty folder) from ``[(History, shifts)]``; ``source``
    names the history store, ``label(environment)`` an environment. Returns the index page's path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for history, shifts in analysed:
        (out / f"{history.benchmark}.html").write_text(benchmark_page(history, shifts, source, label))
        last = history.nights[-1] if history.nights else None
        rows.append(
            f'<tr><td><a href="{history.benchmark}.html">{_e(history.benchmark)}</a></td>'
            f"<td>{len(history.nights)}</td><td>{_e(_date(last)) if last else '-'}</td>"
            f"<td>{len(shifts)}</td><td>{sum(1 for _ in history.failed)}</td></tr>"
        )
    index = out / "index.html"
    index.write_text(
        _page(
            "Nightly history",
            f"<h1>Nightly history</h1><p>From {_e(source)}.</p>"
            "<table><tr><th>benchmark</th><th>nights</th><th>latest night (UTC)</th>"
            "<th>change points</th><th>cases that did not train or stopped</th></tr>" + "".join(rows) + "</table>",
        )
    )
    return index


def benchmark_page(history, shifts, source, label):
    parts = [
        f'<p><a href="index.html">all benchmarks</a></p><h1>{_e(history.benchmark)}</h1>',
        f"<p>{len(history.nights)} night(s) from {_e(source)}. A point is a night's mean over its seeds, its "
        "bar the seeds' standard deviation; the shaded band is where that night's gate passes; red points "
        "failed their gate; a dashed orange line is a change point (<code>python -m bench history changes</code>), "
        "drawn before the first night after the shift.</p>",
    ]
    if history.failed:
        parts.append(
            "<h2>Cases that did not train or stopped</h2><ul>"
            + "".join(
                f'<li class="failed-row">night {n}: {_e(case)}: {_e(why)}</li>' for n, case, why in history.failed
            )
            + "</ul>"
        )
    by_series = {}
    for shift in shifts:
        by_series.setdefault(id(shift.series), []).append(shift)
    for series in history.series:
        parts.append(series_section(history, series, by_series.get(id(series), []), label))
    return _page(f"{history.benchmark}: nightly history", "".join(parts))


def series_section(history, series, shifts, label):
    title = f"{series.protocol}/{series.case}: {series.metric} [{series.unit}]" + (
        " (quick pass)" if series.quick else ""
    )
    shift_text = "".join(
        f"<li>change point: {_e(shift.direction)} {shift.change.before:.4f} -&gt; "
        f"{shift.change.after:.4f} from night {shift.night} (p {_e(shift.p_text)})</li>"
        for shift in shifts
    )
    rows = "".join(
        f'<tr class="{"failed-row" if p.verdict in ("FAIL", "CHANGED") else ""}"><td>{p.night}</td>'
        f"<td>{_e(_date(history.night(p.night)))}</td><td>{_e(_commit(history.night(p.night)))}</td>"
        f"<td>{_e(label(p.environment or history.night(p.night)['environment']))}</td>"
        f"<td>{p.mean:.4f}</td><td>{p.std:.4f}</td><td>{p.n}</td><td>{_band(p)}</td><td>{_e(p.verdict)}</td></tr>"
        for p in series.points
    )
    anchor = f"{'quick-' if series.quick else ''}{_e(series.protocol)}-{_e(series.case)}-{_e(series.metric)}"
    return (
        f'<h2 id="{anchor}">{_e(title)}</h2>'
        + chart(history, series, shifts, label)
        + (f"<ul>{shift_text}</ul>" if shift_text else "")
        + "<details><summary>nights</summary><table><tr><th>night</th><th>date (UTC)</th><th>commit</th>"
        "<th>environment</th><th>mean</th><th>std</th><th>n</th><th>band</th><th>verdict</th></tr>"
        + rows
        + "</table></details>"
    )


def chart(history, series, shifts, label):
    """An SVG chart of one series: x the night (1..N of the benchmark), y the metric."""
    points, count = series.points, max(len(history.nights), 1)
    values = [v for p in points for v in (p.mean - p.std, p.mean + p.std, p.low, p.high) if v is not None]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad

    def x(night):
        return LEFT + (night - 0.5) * (WIDTH - LEFT - RIGHT) / count

    def y(value):
        return TOP + (hi - value) * (HEIGHT - TOP - BOTTOM) / (hi - lo)

    svg = [
        f'<svg class="chart" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{_e(series.name)} {_e(series.metric)} per night">'
    ]
    svg.append(_band_shapes(points, x, y))
    svg.append(
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}"/><line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" '
        f'y2="{HEIGHT - BOTTOM}"/>'
    )
    for k in range(5):
        value = lo + (hi - lo) * k / 4
        svg.append(f'<text class="tick" x="{LEFT - 4}" y="{y(value) + 3:.1f}" text-anchor="end">{value:.4g}</text>')
    step = max(1, count // 15)
    for night in range(1, count + 1, step):
        svg.append(
            f'<text class="tick" x="{x(night):.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">{night}</text>'
        )
    svg.append(
        f'<text class="tick" x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 4}" text-anchor="middle">night</text>'
    )
    for shift in shifts:
        at = (x(shift.before_night) + x(shift.night)) / 2
        svg.append(
            f'<line class="change-point" data-night="{shift.night}" x1="{at:.1f}" y1="{TOP}" '
            f'x2="{at:.1f}" y2="{HEIGHT - BOTTOM}"><title>change point: {_e(shift.direction)} '
            f"{shift.change.before:.4f} -&gt; {shift.change.after:.4f} from night {shift.night}</title></line>"
            f'<text class="shift-label" x="{at + 3:.1f}" y="{TOP + 10}">night {shift.night}</text>'
        )
    for p in points:
        night = history.night(p.night)
        failed = p.verdict in ("FAIL", "CHANGED")
        tip = (
            f"night {p.night}, {_date(night)}, commit {_commit(night)}\n"
            f"{label(p.environment or night['environment'])}\n"
            f"{series.metric} {p.mean:.4f} +- {p.std:.4f} (n={p.n}) [{series.unit}], band {_band(p)}, {p.verdict}"
        )
        svg.append(
            f'<line class="spread" x1="{x(p.night):.1f}" y1="{y(p.mean - p.std):.1f}" '
            f'x2="{x(p.night):.1f}" y2="{y(p.mean + p.std):.1f}"/>'
            f'<circle class="night{" failed" if failed else ""}" data-night="{p.night}" '
            f'cx="{x(p.night):.1f}" cy="{y(p.mean):.1f}" r="4"><title>{_e(tip)}</title></circle>'
        )
    svg.append("</svg>")
    return "".join(svg)


def _band_shapes(points, x, y):
    """The gate's band per night: a shaded polygon where it has both sides, a dashed line on a one-sided gate."""
    both = [p for p in points if p.low is not None and p.high is not None]
    if both:
        upper = " ".join(f"{x(p.night):.1f},{y(p.high):.1f}" for p in both)
        lower = " ".join(f"{x(p.night):.1f},{y(p.low):.1f}" for p in reversed(both))
        return f'<polygon class="band" points="{upper} {lower}"/>'
    for side in ("low", "high"):
        one = [p for p in points if getattr(p, side) is not None]
        if one:
            return (
                '<polyline class="bandline" fill="none" points="'
                + " ".join(f"{x(p.night):.1f},{y(getattr(p, side)):.1f}" for p in one)
                + '"/>'
            )
    return ""


def _band(p):
    if p.low is None and p.high is None:
        return "-"
    return f"{'-inf' if p.low is None else f'{p.low:.4f}'} .. {'+inf' if p.high is None else f'{p.high:.4f}'}"


def _date(night):
    return night["started"][:16].replace("T", " ")


def _commit(night):
    commit = (night.get("commit") or "-")[:12]
    return commit + (" (dirty)" if night.get("dirty") else "")


def _e(text):
    return html.escape(str(text))


def _page(title, body):
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>\n"
    )
