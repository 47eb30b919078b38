"""One interface for every place a session's records go: ``write(record)`` and ``close()``.

Two implementations: ``FolderWriter`` (the session's results folder, ``bench.stores.results``) and
``NightWriter`` (one night of a history store, ``bench.stores.history_store``). ``open_writer`` picks by
URL: ``sqlite:///...`` or ``postgresql://...`` is a history store, anything else a results folder's path.
Both are handed the night's description once (``session.json``, written with the folder), so a night
carries the same description whether its records arrive live or by ``store import`` of the folder.
"""

from pathlib import Path

from bench.stores import history_store, results

SQL_SCHEMES = ("sqlite:", "postgresql:", "postgresql+")


def is_store_url(url):
    """Whether ``url`` names a history store (SQLite or PostgreSQL) rather than a folder."""
    return str(url).startswith(SQL_SCHEMES)


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
    """One night of a history store: the night's row is made (or found, by its key) at the first record."""

    def __init__(self, store, night):
        self.store, self.night, self.night_id = store, night, None

    def write(self, record):
        if self.night_id is None:
            self.night_id = self.store.night(self.night)
        self.store.add(self.night_id, record)

    def close(self):
        self.store.close()

    def __repr__(self):
        return f"NightWriter({self.store!r})"


def open_writer(url, night=None, worker_id=None):
    """The writer ``url`` names: a history store's night (``night``: its description, ``provenance.night_info``)
    or a results folder. A store that cannot be used is a ``history_store.HistoryError`` saying what to do."""
    if is_store_url(url):
        if night is None:
            raise ValueError("A history store's writer needs the night's description (provenance.night_info).")
        return NightWriter(history_store.open_store(url), night)
    return FolderWriter(url, worker_id)
