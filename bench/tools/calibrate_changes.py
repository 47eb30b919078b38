"""False positives and detections of ``python -m bench history changes`` on histories of real seeds, shifted or not.

Run: ``python -m bench calibrate changes BENCHMARK --records FILE [--nights 30] [--histories 200]``
after ``python -m bench calibrate gates BENCHMARK --sets K --regressions small --records FILE`` has trained
K x N seeds no baseline saw, unchanged and with every rate x0.99 to x0.85 (K x N >= nights x N).

A history is ``--nights`` nights, each a nightly's worth of distinct seeds (N per case, the
benchmark's own number) drawn without replacement from the unchanged seeds, so no seed is in two
nights of one history. A shifted history is the same draw with every night from a random night on
(2..nights) taken from the same seeds trained with the regression. Each history is judged by the
code ``changes`` runs (``bench.statistics.night_series.analyse``: every case and gated metric, one
alpha for the history). Printed per condition:

- unchanged: the share of histories with any change point (the false positives);
- each shift: the share found with a change point within one night of where it starts, the share
  the night's own gates catch on the first shifted night (any gate of any case at the nightly's
  alpha), the share found among those the gate caught, and the found share by how many nights lie
  on the shorter side of the shift (a shift on the last night, or from the second, has one night
  on that side: a split is only as sure as its smaller half).

Histories re-draw the same pool of seeds, so they are not independent: the pool's size is printed.
"""

import numpy as np
from tabulate import tabulate

from bench import benchmarks
from bench.benchmarks import regressions
from bench.engine.records import METRICS, summarize
from bench.statistics import changepoints, figures, gates, night_series
from bench.statistics.verdicts import Verdict
from bench.stores import baselines, results
from bench.tools import calibrate, cli
from bench.tools.cli import UserError

BUCKETS = ((1, 1), (2, 4), (5, 9), (10, 1_000))  # nights before or after the shift, whichever are fewer


def load(path, benchmark):
    """``{(protocol, case, condition): {seed: metrics or None}}`` of ``benchmark``'s calibration records."""
    pool = {}
    for record in results.read(path, "calibration"):
        if record["benchmark"] == benchmark:
            key = (record["protocol"], record["case"], record["condition"])
            pool.setdefault(key, {}).setdefault(record["seed"], record["metrics"])
    return pool


def night_points(pool, cases, condition, night, seeds, gated):
    """``{(protocol, case, metric): Point}`` of one night: each case's mean, std and n over ``seeds``; a case
    with a diverged seed has no point that night (a nightly stops it: a ``failed`` record, no summary)."""
    points = {}
    for protocol, case in cases:
        values = [pool[(protocol, case, condition)][s] for s in seeds]
        if any(v is None for v in values):
            continue
        for metric in gated[(protocol, case)]:
            s = summarize([v[metric] for v in values])
            points[(protocol, case, metric)] = night_series.Point(night, s["mean"], s["std"], s["n"])
    return points


def history_of(benchmark, nights_points, count):
    """A ``night_series.History`` from per-night points, as ``night_series.load`` builds it from a store."""
    series = {}
    for points in nights_points:
        for key, point in points.items():
            series.setdefault(key, []).append(point)
    nights = [{"id": k, "started": "", "commit": None, "dirty": None, "environment": {}} for k in range(count)]
    return night_series.History(
        benchmark,
        nights,
        [night_series.Series(benchmark, p, c, m, pts) for (p, c, m), pts in sorted(series.items())],
        [],
    )


def gate_bands(doc, cases, gated, n, alpha):
    """``{(protocol, case, metric): (low, high)}``: the nightly's band for a mean of ``n`` seeds."""
    bands = {}
    for protocol, case in cases:
        entries = baselines.case_entries(doc, protocol, case, missing_ok=True)
        for metric in gated[(protocol, case)]:
            if metric not in entries:
                continue
            v = gates.judge_metric(
                Verdict(
                    "", protocol, case, metric, {"n": n, "mean": entries[metric]["mean"]}, baseline=entries[metric]
                ),
                alpha,
            )
            bands[(protocol, case, metric)] = (
                -np.inf if v.low is None else v.low,
                np.inf if v.high is None else v.high,
            )
    return bands


def gate_fails(points, bands):
    return any(not lo <= points[key].mean <= hi for key, (lo, hi) in bands.items() if key in points)


def simulate(benchmark, pool, nights, histories, n, sizes, alpha, nightly_alpha, doc):
    cases = sorted({(p, c) for p, c, _ in pool})
    gated = {}
    for protocol, case in cases:
        some = next(v for v in pool[(protocol, case, "unchanged")].values() if v is not None)
        gated[(protocol, case)] = [m for m in some if METRICS[m].question != "info"]
    seeds = sorted(set.intersection(*(set(pool[(p, c, "unchanged")]) for p, c in cases)))
    if len(seeds) < nights * n:
        raise UserError(
            f"{len(seeds)} unchanged seeds per case: a {nights}-night history of {n} seeds a night "
            f"needs {nights * n}. Train more with python -m bench calibrate gates {benchmark} --sets K."
        )
    for size in sizes:
        missing = [(p, c) for p, c in cases if (p, c, size) not in pool]
        if missing:
            raise UserError(
                f"no {size} seeds of {missing[0][0]}/{missing[0][1]}: train them with python -m bench "
                f"calibrate gates {benchmark} --regressions {size} (same --first-seed and --sets)."
            )
    bands = gate_bands(doc, cases, gated, n, nightly_alpha)
    rng = np.random.default_rng(0)
    false_pos, rows = 0, {size: [] for size in sizes}
    for _ in range(histories):
        order = rng.permutation(seeds)[: nights * n].reshape(nights, n)
        base = [night_points(pool, cases, "unchanged", k + 1, order[k], gated) for k in range(nights)]
        false_pos += bool(night_series.analyse(history_of(benchmark, base, nights), alpha))
        start = int(rng.integers(2, nights + 1))  # the first shifted night, 1-based
        for size in sizes:
            shifted = base[: start - 1] + [
                night_points(pool, cases, size, k + 1, order[k], gated) for k in range(start - 1, nights)
            ]
            found = night_series.analyse(history_of(benchmark, shifted, nights), alpha)
            placed = any(abs(s.night - start) <= 1 for s in found)
            rows[size].append((start, placed, gate_fails(shifted[start - 1], bands), bool(found)))
    return false_pos, rows, len(seeds)


def render(benchmark, false_pos, rows, histories, nights, n, pool_seeds, alpha, nightly_alpha):
    lines = [
        f"{benchmark}: {histories} histories of {nights} nights x {n} seeds a night, re-drawn from {pool_seeds} "
        f"unchanged seeds per case (and the same seeds with each shift); change points at alpha {alpha:g} per "
        f"history; a night's gates at alpha {nightly_alpha:.2g} (the CPU nightly's)",
        f"unchanged: histories with any change point: {figures.rate_text(false_pos, histories)}",
        "each rate: count/histories = rate (exact 95 % interval; the histories are drawn from one pool of seeds, "
        "so read it as the least the uncertainty is)",
    ]
    table = []
    for size, outcomes in rows.items():
        start, placed, gate, anywhere = (np.array(x) for x in zip(*outcomes))
        side = np.minimum(start - 1, nights - start + 1)  # nights on the shorter side of the shift
        by_bucket = [
            figures.rate_text(int(placed[(side >= lo) & (side <= hi)].sum()), int(((side >= lo) & (side <= hi)).sum()))
            if ((side >= lo) & (side <= hi)).any()
            else "-"
            for lo, hi in BUCKETS
        ]
        caught = figures.rate_text(int(placed[gate].sum()), int(gate.sum())) if gate.any() else "-"
        table.append(
            [
                size,
                figures.rate_text(int(placed.sum()), len(placed)),
                figures.rate_text(int(anywhere.sum()), len(anywhere)),
                figures.rate_text(int(gate.sum()), len(gate)),
                caught,
                *by_bucket,
            ]
        )
    headers = [
        "every rate",
        "found within 1 night",
        "any change point",
        "night's gate catches its first night",
        "found, of those the gate caught",
        *[f"found, {_nights(lo, hi)} on the shorter side" for lo, hi in BUCKETS],
    ]
    lines.append(tabulate(table, headers=headers, disable_numparse=True))
    return "\n".join(lines)


def _nights(lo, hi):
    if lo == hi:
        return f"{lo} night" + ("s" if lo > 1 else "")
    return f"{lo}+ nights" if hi >= 1000 else f"{lo}-{hi} nights"


def main(argv=None):
    p = cli.parser("calibrate changes", __doc__.splitlines()[0])
    cli.add_benchmark(p, which=[b.name for b in benchmarks.all_benchmarks() if not b.needs_gpu])
    cli.add(p, "records", "trained with --regressions small (required)", default=None)
    p.add_argument("--nights", type=int, default=30, help="nights per history (default: 30)")
    p.add_argument("--histories", type=int, default=200, help="histories drawn (default: 200)")
    cli.add(p, "seeds", "each night (default: the nightly's)", type=int, default=None)
    p.add_argument(
        "--sizes",
        nargs="+",
        default=list(regressions.GROUPS["small"]),
        help=f"shifts (default: the small group, {', '.join(regressions.GROUPS['small'])})",
    )
    cli.add(
        p,
        "alpha",
        f"here: the change points' per history (default: {changepoints.HISTORY_ALPHA})",
        type=float,
        default=changepoints.HISTORY_ALPHA,
    )
    args = p.parse_args(argv)
    if not args.records:
        raise UserError("give --records FILE: the calibration records of python -m bench calibrate gates")
    benchmark = benchmarks.get(args.benchmark)
    n = args.seeds or benchmark.seeds
    pool = load(args.records, args.benchmark)
    if not pool:
        raise UserError(
            f"no calibration records of {args.benchmark} in {args.records}: run python -m bench calibrate gates "
            f"{args.benchmark} --regressions small --records {args.records} first",
        )
    nightly_alpha = gates.alpha_for(calibrate.cpu_nightly_tests())
    doc = baselines.load(args.benchmark)
    false_pos, rows, pool_seeds = simulate(
        args.benchmark, pool, args.nights, args.histories, n, args.sizes, args.alpha, nightly_alpha, doc
    )
    print(
        render(args.benchmark, false_pos, rows, args.histories, args.nights, n, pool_seeds, args.alpha, nightly_alpha)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
