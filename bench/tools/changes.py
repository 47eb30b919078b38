"""Where a benchmark's training shifted across nights, and what changed then: change points in the history.

Run: ``python -m bench history changes [BENCHMARK] [--history URL] [--recent K] [--alpha A]``

Reads the history store (``--history``, default the nightly's ``sqlite:///results/history.sqlite``;
``bench/stores/history_store.py``), takes every case's gated metrics night by night (a seed mean, its
spread and n) and finds the nights where a series shifted (``bench/statistics/changepoints.py``: one
alpha for the whole history, docs/history.md says how it is calibrated). Each shift is printed with
its size and direction, the night it starts, and what changed between the last night before it and
the first night after: the commits (with ``git log`` where this checkout has them) and the
environment.

Exit status: 1 when a shift starts within the last K nights (``--recent``, default 1: tonight's),
0 when none does, 2 on bad input (no history, no nights of the benchmark).
"""

import json
import subprocess
from pathlib import Path

from bench.engine.records import METRICS, CaseId
from bench.statistics import changepoints, night_series
from bench.stores import history_store
from bench.tools import cli
from bench.tools.cli import UserError

GIT_LOG_LINES = 10


def main(argv=None):
    p = cli.parser("history changes", __doc__.splitlines()[0])
    cli.add_benchmark(p, optional=True)
    cli.add(p, "history", "read from (default: sqlite:///results/history.sqlite, what `pytest -m slow` writes)")
    p.add_argument(
        "--recent",
        type=int,
        default=1,
        metavar="K",
        help="exit 1 when a shift starts within the last K nights of its benchmark (default: 1)",
    )
    cli.add(
        p,
        "alpha",
        f"here: that an unchanged history shows any shift, over all its series (default: {changepoints.HISTORY_ALPHA})",
        type=float,
        default=changepoints.HISTORY_ALPHA,
    )
    cli.add(p, "json", "the shifts (default: none)")
    args = p.parse_args(argv)
    if args.recent < 1:
        raise UserError(f"--recent must be >= 1 (nights). Received: {args.recent}")
    if not 0 < args.alpha < 1:
        raise UserError(f"--alpha must be between 0 and 1. Received: {args.alpha}")
    cli.not_there(args.json, "--json")
    try:
        store, url = history_store.open_existing(args.history)
    except history_store.HistoryError as err:
        raise UserError(str(err)) from None
    names = [args.benchmark] if args.benchmark else store.benchmarks()
    if not names:
        raise UserError(
            f"no nights in {history_store.shown_url(url)}: run the nightly with --bench-history={url}, or "
            "import results folders (`python -m bench history import DIR --history URL`).",
        )
    histories = [night_series.load(store, name) for name in names]
    empty = [h.benchmark for h in histories if not h.nights]
    if empty:
        raise UserError(
            f"no nights of {', '.join(empty)} in {history_store.shown_url(url)}; it holds "
            f"{', '.join(store.benchmarks()) or 'none'}.",
        )
    recent, found = False, []
    for history in histories:
        shifts = night_series.analyse(history, args.alpha)
        print(heading(history, shifts, args.alpha))
        for number, case, why in history.failed:
            print(f"  night {number}: {case} {why}")
        for group in grouped(history, shifts):
            print(describe(history, group))
        for shift in shifts:
            is_recent = shift.night > len(history.nights) - args.recent
            recent = recent or is_recent
            found.append(as_dict(history, shift, is_recent))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"recent": args.recent, "alpha": args.alpha, "shifts": found}, indent=1) + "\n"
        )
    if recent:
        print(f"\nA shift starts within the last {args.recent} night(s): exit 1.")
    return 1 if recent else 0


def heading(history, shifts, alpha):
    nights = history.nights
    span = f"{_date(nights[0])} .. {_date(nights[-1])}" if nights else "-"
    tested = sum(len(s.points) >= 2 for s in history.series)
    return (
        f"{history.benchmark}: {len(nights)} night(s), {span}; {tested} series (case x gated metric); "
        f"{len(shifts)} shift(s) at alpha {alpha:g} over the history ({alpha / max(tested, 1):.2g} per series)"
    )


def grouped(history, shifts):
    """The shifts in groups that start at the same night with the same environment changes: one
    release, one edit, usually moves many series at once."""
    groups = {}
    for shift in shifts:
        key = (shift.night, shift.before_night, tuple(map(tuple, _environment_changes(history, shift))))
        groups.setdefault(key, []).append(shift)
    return list(groups.values())


def describe(history, group):
    """A group's lines: the night the shifts start, each series with what moved and by how much, and
    what changed between the last night before and the first night after."""
    first = group[0]
    before, after = history.night(first.before_night), history.night(first.night)
    lines = [f"SHIFT at night {first.night} of {len(history.nights)} ({_date(after)}): {len(group)} series"]
    for shift in group:
        c, s = shift.change, shift.series
        rel = f"{100 * c.relative:+.1f} %" if c.before else f"{c.shift:+.4g}"
        p = f"p {changepoints.p_text(c.p_value)}"
        way = "worse" if shift.worse else "better"
        lines.append(
            f"  {s.name} {s.metric}: {shift.direction} {rel} ({way}), {c.before:.4f} -> {c.after:.4f} "
            f"[{METRICS[s.metric].unit}], z {c.z:+.1f}, {p}"
        )
    changes = _environment_changes(history, first)
    lines += [
        f"  last night before: night {first.before_night}, {_night_text(before)}",
        f"  first night after: night {first.night}, {_night_text(after)}",
        f"  commits: {_commits(before, after)}",
        "  environment: " + ("; ".join(f"{k} {a} -> {b}" for k, a, b in changes) if changes else "unchanged"),
    ]
    command = bisect_command(before, after, {str(CaseId.of(shift.series)) for shift in group})
    if command:
        lines.append(f"  find the commit: {command}")
    return "\n".join(lines)


def bisect_command(before, after, cases):
    """The ``python -m bench bisect`` command that finds the commit between two nights that ran different
    commits (for the first of ``cases``, the shifted series' case names); None when they ran the same one."""
    a, b = before["commit"], after["commit"]
    if not a or not b or a == b:
        return None
    return f"python -m bench bisect {a[:12]} {b[:12]} --select {sorted(cases)[0]}"


def _environment_changes(history, shift):
    """What differs between the environments the series' case ran in on the two nights (each night's
    own environment where the case left none)."""
    s = shift.series
    return night_series.environment_changes(
        _point_env(s, shift.before_night) or history.night(shift.before_night)["environment"],
        _point_env(s, shift.night) or history.night(shift.night)["environment"],
    )


def as_dict(history, shift, recent):
    c, s = shift.change, shift.series
    before, after = history.night(shift.before_night), history.night(shift.night)
    return {
        "benchmark": s.benchmark,
        "protocol": s.protocol,
        "case": s.case,
        "metric": s.metric,
        "unit": METRICS[s.metric].unit,
        "night": shift.night,
        "nights": len(history.nights),
        "before_night": shift.before_night,
        "date": after["started"],
        "before": c.before,
        "after": c.after,
        "shift": c.shift,
        "relative": c.relative,
        "direction": shift.direction,
        "worse": shift.worse,
        "z": c.z,
        "p_value": c.p_value,
        "alpha": shift.alpha,
        "recent": recent,
        "commit_before": before["commit"],
        "commit_after": after["commit"],
        "bisect": bisect_command(before, after, {str(CaseId.of(s))}),
        "environment_changes": [list(x) for x in _environment_changes(history, shift)],
    }


def _point_env(series, night):
    return next((p.environment for p in series.points if p.night == night), None)


def _date(night):
    return night["started"][:16].replace("T", " ")


def _night_text(night):
    commit = (night["commit"] or "no commit recorded")[:12]
    dirty = " (uncommitted changes)" if night["dirty"] else ""
    branch = f" on {night['branch']}" if night["branch"] else ""
    return f"{_date(night)}, commit {commit}{dirty}{branch}, {night_series.label(night['environment'])}"


def _commits(before, after):
    a, b = before["commit"], after["commit"]
    if not a or not b:
        return "not recorded"
    if a == b:
        dirty = " (uncommitted changes on one side)" if before["dirty"] or after["dirty"] else ""
        return f"same commit {a[:12]}{dirty}"
    try:
        log = subprocess.run(
            ["git", "log", "--oneline", "--no-decorate", f"{a}..{b}"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        log = None
    if log is None or log.returncode != 0:
        return f"{a[:12]}..{b[:12]} (not in this checkout)"
    entries = log.stdout.splitlines()
    shown = "".join(f"\n    {line}" for line in entries[:GIT_LOG_LINES])
    more = f"\n    ... and {len(entries) - GIT_LOG_LINES} more" if len(entries) > GIT_LOG_LINES else ""
    return f"{a[:12]}..{b[:12]}, {len(entries)} commit(s):{shown}{more}"


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
