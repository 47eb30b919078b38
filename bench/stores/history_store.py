"""The history store: every night's records in one database named by a URL (docs/history.md).

The results store (``bench/stores/results.py``) keeps one session's records in its folder; the
history store keeps every session's, so that ``python -m bench history changes`` and ``python -m bench
dashboard`` can read a run of nights, wherever they ran. A *night* is one pytest session of the
suite (or one imported results folder): its commit of this repository (and whether the tree was
dirty), branch, date, options and environment; under it the session's records as the results
store wrote them (``run``, ``summary``, ``failed``, ``not_trained``), each case's verdicts kept
as rows too.

Written through SQLAlchemy Core, so one set of table definitions serves SQLite (the default, a
file under ``results/``: nothing to start) and PostgreSQL (a team's server), with no SQL written
per dialect. Several writers at once (pytest-xdist workers, two machines) are safe: every row has
a natural key, and a row already there is kept (a seed's run: the first record wins, as in the
results store) or replaced by the newer one (a case's summary: the newest verdict wins), never
doubled. SQLite waits for a writer's lock (up to ``SQLITE_TIMEOUT_S``) in write-ahead-log mode.

The schema is versioned (``SCHEMA_VERSION``, kept in the ``meta`` table): opening a database runs
the missing steps of ``MIGRATIONS`` in order, in one transaction each, and refuses a database
written by a newer version of the suite.
"""

import math
import time
from pathlib import Path

import sqlalchemy as sa

from bench.stores import provenance, results

SQLITE_TIMEOUT_S = 60
FILE_NAME = "history.sqlite"  # the default store: <--bench-results>/history.sqlite
RECORD_KINDS = ("run", "summary", "failed", "not_trained")  # what a night holds; calibration records stay in files


class HistoryError(Exception):
    """A history URL that cannot be used, or a database this version of the suite cannot read."""


# -- the schema -------------------------------------------------------------------------------------
metadata = sa.MetaData()

META = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(256), nullable=False),
)

NIGHTS = sa.Table(
    "nights",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(128), nullable=False, unique=True),  # the session's id (session.json), or the folder's
    sa.Column("started", sa.String(32), nullable=False),  # UTC, ISO 8601: the nights' order
    sa.Column("commit", sa.String(64)),  # this repository's HEAD, None outside a git checkout
    sa.Column("dirty", sa.Boolean),  # tracked files differed from the commit
    sa.Column("branch", sa.String(256)),
    sa.Column("host", sa.String(256)),
    sa.Column("results_dir", sa.Text),  # where the session's results folder was
    sa.Column("environment", sa.JSON, nullable=False),  # records.environment() when the session started
    sa.Column("options", sa.JSON, nullable=False),  # the session's options (seeds, engine, injected, arguments)
)

RECORDS = sa.Table(
    "records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("night_id", sa.Integer, sa.ForeignKey("nights.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("benchmark", sa.String(128), nullable=False),
    sa.Column("protocol", sa.String(128), nullable=False),
    sa.Column("case", sa.String(128), nullable=False),
    sa.Column("seed", sa.Integer, nullable=False),  # -1 for a case's records (summary, failed, not_trained)
    sa.Column("record", sa.JSON, nullable=False),  # the results store's record, as written
    sa.UniqueConstraint("night_id", "kind", "benchmark", "protocol", "case", "seed", name="one_record"),
)

VERDICTS = sa.Table(
    "verdicts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("night_id", sa.Integer, sa.ForeignKey("nights.id"), nullable=False),
    sa.Column("benchmark", sa.String(128), nullable=False),
    sa.Column("protocol", sa.String(128), nullable=False),
    sa.Column("case", sa.String(128), nullable=False),
    sa.Column("metric", sa.String(64), nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("mean", sa.Float, nullable=False),
    sa.Column("std", sa.Float, nullable=False),
    sa.Column("low", sa.Float),  # the gate's band for this night's n (None: unbounded or not gated)
    sa.Column("high", sa.Float),
    sa.Column("verdict", sa.String(16), nullable=False),  # pass / FAIL / CHANGED / info / new
    sa.UniqueConstraint("night_id", "benchmark", "protocol", "case", "metric", name="one_verdict"),
)
sa.Index("verdicts_by_case", VERDICTS.c.benchmark, VERDICTS.c.protocol, VERDICTS.c.case, VERDICTS.c.metric)


def _create_v1(conn):
    metadata.create_all(conn, tables=[NIGHTS, RECORDS, VERDICTS])


# Step k takes a database from version k - 1 to k. A change to the tables adds a step (and bumps the
# table definitions above to the new layout); a step that is there is never edited.
MIGRATIONS = (_create_v1,)
SCHEMA_VERSION = len(MIGRATIONS)


# -- opening ----------------------------------------------------------------------------------------
def default_url(results_root):
    """The default store: an SQLite file in the ``--bench-results`` folder."""
    return f"sqlite:///{Path(results_root).absolute() / FILE_NAME}"


def engine_url(url):
    """``url`` as SQLAlchemy takes it: ``postgresql://`` (and ``postgres://``) drive psycopg 3; a
    bare path is an SQLite file. ``HistoryError`` for anything else, saying what to give."""
    text = str(url)
    if "://" not in text:
        return f"sqlite:///{Path(text).absolute()}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    if scheme in ("sqlite", "postgresql+psycopg"):
        return text
    raise HistoryError(
        f"history URL {text!r}: give sqlite:///path/to/file.sqlite, a file path, or "
        "postgresql://user@host/database (pip install -e '.[postgres]')."
    )


def open_existing(url=None):
    """The store a reading command (``history changes``, ``dashboard``, ``show``, ``info``) reads: ``url``, or the
    nightly's default ``results/history.sqlite``. An SQLite file that does not exist is refused, never created:
    reading leaves nothing behind. ``(store, url)``; ``HistoryError`` saying what to run or give."""
    if url is None:
        if not Path("results", FILE_NAME).exists():
            raise HistoryError(
                "no history at results/history.sqlite: run the nightly first (`pytest -m slow`), or "
                "give --history URL, or import saved results folders (`python -m bench history import "
                "results/`)."
            )
        url = default_url("results")
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise HistoryError(
            f"no history store at {path}: give the URL of an existing store (sqlite:///path/file.sqlite or "
            "postgresql://user@host/db); a nightly with --bench-history=URL or `python -m bench history import` "
            "creates one. Nothing was created."
        )
    return open_store(url), url


def sqlite_path(url):
    """The file an SQLite history URL (or a bare path) names; None for another database."""
    target = engine_url(url)
    if not target.startswith("sqlite"):
        return None
    path = target.split("sqlite:///", 1)[-1]
    return None if not path or path == ":memory:" else Path(path)


def open_if_exists(url):
    """The store at ``url`` for reading, or None where it is an SQLite file that does not exist (reading never
    creates one); ``HistoryError`` as ``open_store``."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return None
    return open_store(url)


def open_store(url):
    """A ``HistoryStore`` on ``url``, migrated to ``SCHEMA_VERSION``; ``HistoryError`` saying what is
    wrong (no driver, no server, a newer schema)."""
    return HistoryStore(url)


class HistoryStore:
    """One history database: nights and their records."""

    def __init__(self, url):
        self.url = str(url)
        target = engine_url(url)
        kwargs = {}
        if target.startswith("sqlite"):
            path = target.split("sqlite:///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": SQLITE_TIMEOUT_S}
        try:
            self.engine = sa.create_engine(target, **kwargs)
        except ModuleNotFoundError as err:
            raise HistoryError(
                f"history URL {shown_url(self.url)} needs the database driver {err.name!r}: "
                "pip install -e '.[postgres]'"
            ) from None
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.dialect = self.engine.dialect.name
        self.version = self._migrate()

    def __repr__(self):
        return f"HistoryStore({shown_url(self.url)})"

    def close(self):
        self.engine.dispose()

    # -- schema -------------------------------------------------------------------------------------
    def _migrate(self):
        """Bring the database to ``SCHEMA_VERSION``; its version. Two processes opening a new database
        at once: the loser of the race finds the tables made and reads the version again."""
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    version = self._version(conn)
                    if version > SCHEMA_VERSION:
                        raise HistoryError(
                            f"the history database {shown_url(self.url)} has schema version {version}; this version of "
                            f"the suite reads up to {SCHEMA_VERSION}. Update the suite (git pull; pip install -e .)."
                        )
                    for step in range(version, SCHEMA_VERSION):
                        MIGRATIONS[step](conn)
                        self._set_version(conn, step + 1)
                    return SCHEMA_VERSION
            except HistoryError:
                raise
            except sa.exc.OperationalError as err:
                if _unreachable(err):
                    raise HistoryError(
                        f"cannot open the history database {shown_url(self.url)}: "
                        f"{str(err.orig).strip().splitlines()[0]}. Check the URL and that the server "
                        "is running, or pass another --bench-history."
                    ) from None
                last = err
            except (sa.exc.IntegrityError, sa.exc.ProgrammingError) as err:
                last = err  # another process created the same table or version row first
            time.sleep(0.2 * (attempt + 1))
        raise HistoryError(f"could not bring {shown_url(self.url)} to schema version {SCHEMA_VERSION}: {last}")

    def _version(self, conn):
        if not sa.inspect(conn).has_table("meta"):
            metadata.create_all(conn, tables=[META])
            return 0
        row = conn.execute(sa.select(META.c.value).where(META.c.key == "schema_version")).first()
        return int(row[0]) if row else 0

    @staticmethod
    def _set_version(conn, version):
        if conn.execute(sa.update(META).where(META.c.key == "schema_version").values(value=str(version))).rowcount == 0:
            conn.execute(sa.insert(META).values(key="schema_version", value=str(version)))

    # -- writing ------------------------------------------------------------------------------------
    def night(self, info):
        """The id of the night ``info`` describes (a dict from ``provenance.night_info``), created if new. The
        same key always gives the same night: a resumed session, a worker, an import run twice."""
        row = {
            "key": info["key"],
            "started": info["started"],
            "commit": info.get("commit"),
            "dirty": info.get("dirty"),
            "branch": info.get("branch"),
            "host": info.get("host"),
            "results_dir": info.get("results_dir"),
            "environment": info.get("environment", {}),
            "options": info.get("options", {}),
        }
        with self.engine.begin() as conn:
            self._insert_new(conn, NIGHTS, [row], ["key"])
            return conn.execute(sa.select(NIGHTS.c.id).where(NIGHTS.c.key == info["key"])).scalar_one()

    def add(self, night_id, record):
        """Keep one results-store record under the night: a ``run`` once per seed (the first wins), a case's
        ``summary``, ``failed`` or ``not_trained`` replaced by a newer one, with its verdicts as rows."""
        self.add_many(night_id, [record])

    def add_many(self, night_id, many):
        """``add`` for each record of ``many``, in one transaction (an import, a worker's batch)."""
        runs, cases, rows = [], [], []
        for record in many:
            results.check(record)
            kind = record.get("kind")
            if kind not in RECORD_KINDS:
                continue
            row = {
                "night_id": night_id,
                "kind": kind,
                "benchmark": record["benchmark"],
                "protocol": record["protocol"],
                "case": record["case"],
                "seed": int(record["seed"]) if kind == "run" else -1,
                "record": _plain(record),
            }
            (runs if kind == "run" else cases).append(row)
            if kind == "summary":
                rows.extend(_verdict_rows(night_id, record))
        if not (runs or cases):
            return
        with self.engine.begin() as conn:
            self._insert_new(conn, RECORDS, runs, ["night_id", "kind", "benchmark", "protocol", "case", "seed"])
            for row in cases:  # newer replaces older: a resumed case's summary over the first one's
                self._replace(conn, RECORDS, row, ["night_id", "kind", "benchmark", "protocol", "case", "seed"])
            for row in rows:
                self._replace(conn, VERDICTS, row, ["night_id", "benchmark", "protocol", "case", "metric"])

    def _insert_new(self, conn, table, rows, keys):
        """Insert the rows whose key is not there yet; keep those that are."""
        if rows:
            conn.execute(self._insert(table).on_conflict_do_nothing(index_elements=keys), rows)

    def _replace(self, conn, table, row, keys):
        statement = self._insert(table).values(**row)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=keys, set_={k: getattr(statement.excluded, k) for k in row if k not in keys}
            )
        )

    def _insert(self, table):
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def import_folder(self, folder):
        """Add a results folder (one session's) as a night: its ``session.json`` if it has one (the
        night a live session wrote under the same key), else a night keyed by the folder's name and
        dated by its first record. Returns ``(night id, records read)``; importing twice adds nothing."""
        folder = Path(folder)
        found = [r for r in results.records(folder) if r.get("kind") in RECORD_KINDS]
        info = provenance.read_session_file(folder)
        if info is None:
            dates = [r.get("environment", {}).get("date") for r in found if r.get("environment", {}).get("date")]
            env = next((r["environment"] for r in found if r.get("environment")), {})
            info = {
                "key": f"folder:{folder.name}",
                "started": min(dates) if dates else provenance.now(),
                "results_dir": str(folder.absolute()),
                "environment": env,
                "options": {"imported": True},
                "host": None,
            }
        night_id = self.night(info)
        self.add_many(night_id, found)
        return night_id, len(found)

    # -- reading ------------------------------------------------------------------------------------
    def nights(self, benchmark=None, sides=False):
        """Every night (of ``benchmark``: those holding its records) as dicts, oldest first. A revision's runs
        kept for ``compare`` and ``bisect`` (a night whose options hold ``side``: ``bench/stores/sides.py``)
        are no nightly: left out unless ``sides``, so that the nights' series, the dashboard and ``history
        show`` number only the nightlies."""
        query = sa.select(NIGHTS).order_by(NIGHTS.c.started, NIGHTS.c.id)
        if benchmark is not None:
            query = query.where(NIGHTS.c.id.in_(sa.select(RECORDS.c.night_id).where(RECORDS.c.benchmark == benchmark)))
        with self.engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query)]
        return [n for n in rows if sides or "side" not in (n["options"] or {})]

    def records(self, night_id=None, kind=None, benchmark=None):
        """The kept records (results-store dicts), in the order they were kept; ``kind``: one kind or a tuple
        of kinds (a night's summaries without its per-seed runs and their epoch histories, say)."""
        query = sa.select(RECORDS.c.night_id, RECORDS.c.record).order_by(RECORDS.c.id)
        if isinstance(kind, tuple):
            query = query.where(RECORDS.c.kind.in_(kind))
            kind = None
        for column, value in ((RECORDS.c.night_id, night_id), (RECORDS.c.kind, kind), (RECORDS.c.benchmark, benchmark)):
            if value is not None:
                query = query.where(column == value)
        with self.engine.connect() as conn:
            return [(row.night_id, row.record) for row in conn.execute(query)]

    def verdict_rows(self, benchmark=None):
        """Every night's verdict rows (of ``benchmark``) as dicts."""
        query = sa.select(VERDICTS).order_by(VERDICTS.c.id)
        if benchmark is not None:
            query = query.where(VERDICTS.c.benchmark == benchmark)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def benchmarks(self):
        with self.engine.connect() as conn:
            return sorted(conn.execute(sa.select(RECORDS.c.benchmark).distinct()).scalars())

    def counts(self):
        """``{table: rows}``: what ``python -m bench history info`` prints."""
        with self.engine.connect() as conn:
            return {
                t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (NIGHTS, RECORDS, VERDICTS)
            }


def _verdict_rows(night_id, summary):
    rows = []
    for v in summary.get("verdicts", []):
        m = v.get("measured") or {}
        if m.get("mean") is None:
            continue
        rows.append(
            {
                "night_id": night_id,
                "benchmark": summary["benchmark"],
                "protocol": summary["protocol"],
                "case": summary["case"],
                "metric": v["metric"],
                "n": int(m.get("n", 0)),
                "mean": float(m["mean"]),
                "std": float(m.get("std") or 0.0),
                "low": v.get("low"),
                "high": v.get("high"),
                "verdict": v.get("verdict", "new"),
            }
        )
    return rows


def _plain(value):
    """``value`` as JSON holds it: a NaN or infinite loss becomes None (PostgreSQL's JSON refuses them)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer, nor it them
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _unreachable(err):
    text = str(getattr(err, "orig", err)).lower()
    return any(
        word in text
        for word in (
            "connection",
            "could not connect",
            "unable to open",
            "does not exist",
            "authentication",
            "password",
        )
    )


def shown_url(url):
    """``url`` without its password, for messages."""
    text = str(url)
    if "://" in text and "@" in text.split("://", 1)[1]:
        scheme, rest = text.split("://", 1)
        user, host = rest.split("@", 1)
        return f"{scheme}://{user.split(':', 1)[0]}@{host}"
    return text
