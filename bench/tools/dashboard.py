"""A static site of the nightly history: one page per benchmark, its nights, bands, failures and change points.

Run: ``python -m bench history dashboard OUT_DIR [BENCHMARK ...] [--history URL]``

Reads the history store (``--history``, default ``sqlite:///results/history.sqlite``), finds every
series' change points as ``python -m bench history changes`` does, and writes ``OUT_DIR/index.html`` and one
page per benchmark (``bench/report/dashboard.py``). Open ``index.html`` from disk; a CI job publishes
the folder as an artifact. OUT_DIR must not exist, or be empty: nothing is overwritten.
Exit status 2 on bad input (no history, an OUT_DIR with files in it).
"""

from pathlib import Path

from bench.report import dashboard
from bench.statistics import changepoints, night_series
from bench.stores import history_store
from bench.tools import cli
from bench.tools.cli import UserError


def main(argv=None):
    p = cli.parser("history dashboard", __doc__.splitlines()[0])
    p.add_argument("out_dir", metavar="OUT_DIR", help="folder to write the site into (new, or empty)")
    cli.add_benchmark(p, many=True)
    cli.add(p, "history", "read from (default: sqlite:///results/history.sqlite)")
    cli.add(
        p,
        "alpha",
        f"here: the change points' over each benchmark's history (default: {changepoints.HISTORY_ALPHA})",
        type=float,
        default=changepoints.HISTORY_ALPHA,
    )
    args = p.parse_args(argv)
    out = Path(args.out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(
            f"{out} exists and is not an empty folder; the dashboard never overwrites. Choose a new folder."
        )
    try:
        store, url = history_store.open_existing(args.history)
    except history_store.HistoryError as err:
        raise UserError(str(err)) from None
    names = args.benchmark or store.benchmarks()
    missing = [n for n in names if n not in store.benchmarks()]
    if missing or not names:
        raise UserError(f"no nights of {', '.join(missing) or 'any benchmark'} in {history_store.shown_url(url)}")
    analysed = []
    for name in names:
        history = night_series.load(store, name)
        analysed.append((history, night_series.analyse(history, args.alpha)))
    index = dashboard.write(out, analysed, history_store.shown_url(url), night_series.label)
    print(f"wrote {index} ({len(analysed)} benchmark page(s))")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
