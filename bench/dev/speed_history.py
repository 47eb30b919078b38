"""Time the history store's writes: a results folder's records, one transaction each, as a session writes them.

Run: ``python -m bench.dev speed history FOLDER [--history URL] [--rounds 3]``

FOLDER is a session's results folder (``results/<session>``); each round adds its records one at a time
to a new night of an empty store (default: a new SQLite file in a temporary folder; a store that
holds nights is refused, since the rounds would join its history) and prints the seconds
and milliseconds per record. A session writes each record as it finishes, so this is what the store
adds to a nightly.
"""

import tempfile
import time
import uuid
from pathlib import Path

from bench.stores import history_store, results
from bench.tools import cli
from bench.tools.cli import UserError


def main(argv=None):
    p = cli.parser("speed history", __doc__.splitlines()[0], prog=cli.DEV_PROG)
    p.add_argument("folder", help="a session's results folder")
    cli.add(p, "history", "written to (default: a new SQLite file)", default=None)
    p.add_argument("--rounds", type=int, default=3, help="rounds, each a new night (default: 3)")
    args = p.parse_args(argv)
    records = list(results.records(args.folder))
    if not records:
        raise UserError(f"no records in {args.folder}: give a results/<session> folder")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.history or f"sqlite:///{Path(tmp) / 'speed.sqlite'}"
        try:
            store = history_store.open_store(url)
        except history_store.HistoryError as err:
            raise UserError(str(err)) from None
        if store.counts()["nights"]:
            raise UserError(
                f"{history_store.shown_url(url)} holds nights; the rounds would add theirs to its history. "
                "Give an empty store (a new SQLite file, or a new PostgreSQL database).",
            )
        print(f"{history_store.shown_url(url)} ({store.dialect}): {len(records)} records of {args.folder}")
        for k in range(args.rounds):
            night = store.night(
                {
                    "key": f"speed-{uuid.uuid4().hex}",
                    "started": "1970-01-01T00:00:00Z",
                    "environment": {},
                    "options": {"speed_history": True},
                }
            )
            start = time.perf_counter()
            for record in records:
                store.add(night, record)
            took = time.perf_counter() - start
            print(f"round {k + 1}: {took:.3f} s, {1000 * took / len(records):.2f} ms per record")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
