"""The last N nights of a benchmark: a table of each case's mean, and a drift plot against the baseline.

Run: ``python -m bench history show ionosphere [--history URL | --results DIR] [--last 10]
[--plot drift.png --protocol published --case step --metric final_val_accuracy]``

Reads the history store (``--history``, default the one ``pytest -m slow`` writes,
``sqlite:///results/history.sqlite``): each night's summary of every case, no per-seed runs. With
``--results DIR`` it reads the session folders under DIR instead, through the results store
(``bench.stores.results``: unmerged per-worker files included, a line cut by a kill skipped). The
newest N are shown oldest first, so a slow drift shows before a gate trips.
"""

from pathlib import Path

from tabulate import tabulate

from bench import benchmarks
from bench.engine.records import METRICS, CaseId
from bench.report.plots import plot_drift
from bench.stores import baselines, history_store, results
from bench.tools import cli
from bench.tools.cli import UserError


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


def nights(store, benchmark):
    """``[(night label, start, {(protocol, case): summaries})]`` of ``benchmark`` in a history store, oldest
    first (its cases' summaries only: no per-seed runs are read)."""
    numbered = {night["id"]: (i + 1, night) for i, night in enumerate(store.nights(benchmark))}
    cases = {}
    for night_id, record in store.records(kind="summary", benchmark=benchmark):
        cases.setdefault(night_id, {})[(record["protocol"], record["case"])] = record["summaries"]
    return [
        (f"night {number}", night["started"], cases[night_id])
        for night_id, (number, night) in numbered.items()
        if night_id in cases
    ]


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
    headers = ["session", "date", *[CaseId.SEPARATOR.join(case) for case in cases]]
    return tabulate(rows, headers=headers, disable_numparse=True)


def main(argv=None):
    p = cli.parser("history show", __doc__.splitlines()[0])
    cli.add_benchmark(p)
    source = p.add_mutually_exclusive_group()
    cli.add(source, "history", "read (default: sqlite:///results/history.sqlite, what pytest -m slow writes)")
    cli.add(source, "results", "read its session folders instead of a history store (default: none)")
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
    cli.add(p, "case", "the one --plot draws (default: none)", default=None)
    cli.add(p, "protocol", "of --case (default: the benchmark's first)", default=None)
    cli.add(p, "baselines", "the plot's lines (default: the project's baselines/)", default=str(baselines.DEFAULT_DIR))
    args = p.parse_args(argv)
    benchmark = benchmarks.get(args.benchmark)
    args.metric = args.metric or benchmark.metric
    if args.results:
        if not Path(args.results).is_dir():
            raise UserError(
                f"no results folder {args.results}: run `pytest -m slow --bench-results={args.results}` first"
            )
        found, where = sessions(args.results, args.benchmark), args.results
    else:
        try:
            store, url = history_store.open_existing(args.history)
        except history_store.HistoryError as err:
            raise UserError(f"{err} (or read results folders: --results DIR)") from None
        found, where = nights(store, args.benchmark), history_store.shown_url(url)
    found = found[-args.last :]
    if not found:
        raise UserError(f"no {args.benchmark} results in {where}")
    print(f"{args.benchmark}: {args.metric} [{METRICS[args.metric].unit}], mean +- std (n seeds), oldest first")
    print(table(found, args.metric))
    if args.plot:
        if not args.case:
            raise UserError("--plot needs --case CASE (and --protocol PROTOCOL where the benchmark has several)")
        if Path(args.plot).exists():
            raise UserError(f"--plot {args.plot} exists; choose another file")
        case = (args.protocol or benchmark.protocols[0], args.case)
        points = [(date[:16] or name, c[case][args.metric]) for name, date, c in found if case in c]
        if not points:
            raise UserError(f"no results for {CaseId(args.benchmark, *case)}")
        entry = None
        try:
            doc = baselines.load(args.benchmark, args.baselines)
            entry = doc["cases"].get(case[0], {}).get(case[1], {}).get(args.metric)
        except baselines.BaselineError as err:
            print(f"(no baseline lines: {err})")
        title = f"{CaseId(args.benchmark, *case)}: {args.metric} per session"
        print(f"wrote {plot_drift(points, args.plot, title, METRICS[args.metric].unit, entry)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
