"""A static site of the nightly history: one page per benchmark, its nights, bands, failures and change points.

Run: ``python -m bench dashboard OUT_DIR [--history URL] [--benchmark NAME ...]``

Reads the history store (``--history``, default ``sqlite:///results/history.sqlite``), finds every
series' change points as ``python -m bench changes`` does, and writes ``OUT_DIR/index.html`` and one
page per benchmark (``bench/report/dashboard.py``). Open ``index.html`` from disk; a CI job publishes
the folder as an artifact. OUT_DIR must not exist, or be empty: nothing is overwritten.
Exit status 2 on bad input (no history, an OUT_DIR with files in it).
"""

import argparse
from pathlib import Path

from bench.report import dashboard
from bench.statistics import changepoints, night_series
from bench.stores import history_store


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench dashboard", description=__doc__.splitlines()[0])
    p.add_argument("out_dir", metavar="OUT_DIR", help="folder to write the site into (new, or empty)")
    p.add_argument(
        "--history", default=None, metavar="URL", help="the history store (default: sqlite:///results/history.sqlite)"
    )
    p.add_argument(
        "--benchmark",
        action="append",
        default=[],
        metavar="NAME",
        help="only these benchmarks (repeatable; default: every benchmark in the history)",
    )
    p.add_argument(
        "--alpha",
        type=float,
        default=changepoints.HISTORY_ALPHA,
        help=f"change points' alpha over each benchmark's history (default: {changepoints.HISTORY_ALPHA})",
    )
    args = p.parse_args(argv)
    out = Path(args.out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        p.exit(2, f"{out} exists and is not an empty folder; the dashboard never overwrites. Choose a new folder.\n")
    try:
        store, url = history_store.open_existing(args.history)
    except history_store.HistoryError as err:
        p.exit(2, f"{err}\n")
    names = args.benchmark or store.benchmarks()
    missing = [n for n in names if n not in store.benchmarks()]
    if missing or not names:
        p.exit(2, f"no nights of {', '.join(missing) or 'any benchmark'} in {history_store.shown_url(url)}\n")
    analysed = []
    for name in names:
        history = night_series.load(store, name)
        analysed.append((history, night_series.analyse(history, args.alpha)))
    index = dashboard.write(out, analysed, history_store.shown_url(url), night_series.label)
    print(f"wrote {index} ({len(analysed)} benchmark page(s))")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
