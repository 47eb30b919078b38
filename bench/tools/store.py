"""The history store's housekeeping: import saved results folders, show what a store holds.

Run: ``python -m bench history import DIR [DIR ...] [--history URL]`` adds every session folder under
each DIR (``results/``, tox's ``.tox/results/<env>``, a CI artifact) as a night, with its records and
verdicts; a folder a live session wrote into the store already, or one imported before, adds
nothing twice. ``python -m bench history info [--history URL]`` prints the schema version, the rows of
each table and the nights per benchmark.

``--history`` defaults to the nightly's own store, ``sqlite:///results/history.sqlite``
(docs/history.md). Exit status 2 on bad input (a folder without results, a URL that cannot be opened).
"""

from bench.stores import history_store, results
from bench.tools import cli
from bench.tools.cli import UserError


def main(argv=None):
    p = cli.parser("history", __doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="add saved results folders to the history store as nights")
    imp.add_argument("folders", nargs="+", metavar="DIR", help="results folders (any depth of session folders)")
    info = sub.add_parser("info", help="schema version, rows and nights per benchmark")
    for parser in (imp, info):
        cli.add(parser, "history", "the store (default: sqlite:///results/history.sqlite)")
    args = p.parse_args(argv)
    url = args.history or history_store.default_url("results")
    if args.command == "import":
        sessions = []
        for folder in args.folders:
            found = results.sessions(folder)
            if not found:
                raise UserError(f"no results under {folder}: give a --bench-results folder (or a session folder in it)")
            sessions.extend(found)
    try:  # import writes (and creates the store); info only reads
        store = history_store.open_store(url) if args.command == "import" else history_store.open_existing(url)[0]
    except history_store.HistoryError as err:
        raise UserError(str(err)) from None
    if args.command == "import":
        before = store.counts()
        for folder in sessions:
            night_id, count = store.import_folder(folder)
            print(f"{folder}: night {night_id}, {count} record(s) read")
        after = store.counts()
        print(f"{history_store.shown_url(url)}: " + ", ".join(f"{after[t] - before[t]} new {t}" for t in after))
        return 0
    print(f"{history_store.shown_url(url)}: schema version {store.version} ({store.dialect})")
    for table, rows in store.counts().items():
        print(f"  {table}: {rows} row(s)")
    for name in store.benchmarks():
        nights = store.nights(name)
        print(f"  {name}: {len(nights)} night(s), {nights[0]['started']} .. {nights[-1]['started']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
