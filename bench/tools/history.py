"""The last N runs of a benchmark, from saved results: a table, and a drift plot against the baseline.

Run: ``python -m bench history ionosphere [--results results] [--last 10]
[--plot drift.png --case published/step --metric final_val_accuracy]``

Reads every session folder under ``--results`` through the results store
(``bench.stores.results``: unmerged per-worker files included, a line cut by a kill skipped),
takes each session's summary of every case, and shows the newest N sessions oldest first, so
a slow drift shows before a gate trips.
"""

import argparse
from pathlib import Path

from tabulate import tabulate

from bench.engine.records import METRICS
from bench.report.plots import plot_drift
from bench.stores import baselines, results


def sessions(results_root, benchmark):
    """``[(session name, date, {(protocol, case): summaries})]``, oldest first."""
    found = []
    for folder in results.sessions(results_root):
        cases, date = {}, ""
        for record in results.records(folder, "summary"):
            if record["benchmark"] == benchmark:
                cases[(record["protocol"], record["case"])] = record["summaries"]
                date = record.get("environment", {}).get("date", date)
        if cases:
            found.append((folder.name, date, cases))
    return sorted(found, key=lambda s: (s[1], s[0]))


def table(found, metric):
    cases = sorted({case for _, _, c in found for case in c})
    rows = [
        [
            name,
            date,
            *[
                (
                    f"{c[case][metric]['mean']:.4f} +- {c[case][metric]['std']:.4f} ({c[case][metric]['n']})"
                    if case in c and metric in c[case]
                    else "-"
                )
                for case in cases
            ],
        ]
        for name, date, c in found
    ]
    return tabulate(rows, headers=["session", "date", *["/".join(case) for case in cases]], disable_numparse=True)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench history", description=__doc__.splitlines()[0])
    p.add_argument("benchmark", help="benchmark name, e.g. ionosphere")
    p.add_argument("--results", default="results", help="the --bench-results folder to read (default: results)")
    p.add_argument("--last", type=int, default=10, help="how many of the newest sessions (default: 10)")
    p.add_argument(
        "--metric",
        default=None,
        choices=list(METRICS),
        help="metric to show (default: the benchmark's own headline metric)",
    )
    p.add_argument(
        "--plot", default=None, help="also write a drift plot (PNG) of --case to this new file (default: no plot)"
    )
    p.add_argument("--case", default=None, help="PROTOCOL/CASE for --plot, e.g. published/step (default: none)")
    p.add_argument(
        "--baselines",
        default=str(baselines.DEFAULT_DIR),
        help="baseline folder for the plot's lines (default: the project's baselines/)",
    )
    args = p.parse_args(argv)
    if args.metric is None:
        from bench import benchmarks

        args.metric = (
            benchmarks.get(args.benchmark).metric if args.benchmark in benchmarks.names() else "final_val_accuracy"
        )
    if not Path(args.results).is_dir():
        p.exit(2, f"no results folder {args.results}: run `pytest -m slow --bench-results={args.results}` first\n")
    found = sessions(args.results, args.benchmark)[-args.last :]
    if not found:
        p.exit(2, f"no {args.benchmark} results under {args.results}\n")
    print(f"{args.benchmark}: {args.metric} [{METRICS[args.metric].unit}], mean +- std (n seeds), oldest first")
    print(table(found, args.metric))
    if args.plot:
        if not args.case or "/" not in args.case:
            p.error("--plot needs --case PROTOCOL/CASE")
        if Path(args.plot).exists():
            p.error(f"--plot {args.plot} exists; choose another file")
        case = tuple(args.case.split("/", 1))
        points = [(date[:16] or name, c[case][args.metric]) for name, date, c in found if case in c]
        if not points:
            p.exit(2, f"no results for {args.case}\n")
        entry = None
        try:
            doc = baselines.load(args.benchmark, args.baselines)
            entry = doc["cases"].get(case[0], {}).get(case[1], {}).get(args.metric)
        except baselines.BaselineError as err:
            print(f"(no baseline lines: {err})")
        title = f"{args.benchmark} / {args.case}: {args.metric} per session"
        print(f"wrote {plot_drift(points, args.plot, title, METRICS[args.metric].unit, entry)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
