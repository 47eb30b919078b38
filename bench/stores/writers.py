"""One interface for every place a session's records go: ``write(record)`` and ``close()``.

Two implementations: ``FolderWriter`` (the session's results folder, ``bench.stores.results``) and
``NightWriter`` (one night of a history store, SQLite or PostgreSQL as its URL says:
``bench.stores.history_store.open_store``). A night's description is the one ``session.json`` keeps,
written with the folder, so a night carries the same description whether its records arrive live or by
``python -m bench history import`` of the folder.
"""

from pathlib import Path

from bench.stores import results


class FolderWriter:
    """A results folder: each record appended to ``results.jsonl`` (an xdist worker: its own file)."""

    def __init__(self, folder, worker_id=None):
        self.folder, self.worker_id = Path(folder), worker_id

    def write(self, record):
        results.append(self.folder, record, self.worker_id)

    def close(self):
        pass

    def __repr__(self):
        return f"FolderWriter({str(self.folder)!r})"


class NightWriter:
    """One night of a history store: the night's row is made (or found, by its key) at the first record,
    from the description ``night()`` returns then (a store is opened before the session's folder exists)."""

    def __init__(self, store, night):
        self.store, self.night, self.night_id = store, night, None

    def write(self, record):
        if self.night_id is None:
            self.night_id = self.store.night(self.night())
        self.store.add(self.night_id, record)

    def close(self):
        self.store.close()

    def __repr__(self):
        return f"NightWriter({self.store!r})"
