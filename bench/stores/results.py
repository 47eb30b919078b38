"""The one store of result records: ``<results root>/<session>/results.jsonl``, JSON lines.

Every writer and reader of result records goes through here: the session (each seed's ``run``
record as it finishes, each case's ``summary``, a ``not_trained`` record with why for a case that
cannot train here), ``--bench-resume``, ``python -m bench history``,
``python -m bench matrix`` and ``python -m bench calibrate gates`` (its ``calibration`` records,
one file of its own). A record carries ``format`` (``FORMAT``); the readers hand every record on
in the current layout (``upgrade``), so a file written by an older version reads as a new one:

- format 2: ``case`` is the benchmark's case name, ``schedule`` the registry name it trains;
- format 1: ``schedule`` held the case name and ``registry_schedule`` the registry name;
- no ``format``: the first layout, as format 1 (a calibration record then had no ``kind``).

A session under pytest-xdist writes one ``results-gw<N>.jsonl`` per worker, merged into
``results.jsonl`` when the session ends (``merge_workers``); a session killed before that leaves
them, and the readers read them too. A kill can also cut the last line of a file short: readers
skip such a line, and ``end_with_newline`` makes sure what is appended next starts a line of its own.
"""

import json
import os
from pathlib import Path

FORMAT = 2
MAIN = "results.jsonl"
KINDS = ("run", "summary", "not_trained", "failed", "calibration")


def worker_file(worker_id):
    """The file a pytest-xdist worker appends to (``gw0`` -> ``results-gw0.jsonl``)."""
    return f"results-{worker_id}.jsonl"


def record(kind, **fields):
    """A record of ``kind`` in the current layout (``FORMAT``): the one place a record gets its ``format``.
    The constructors below build each kind the suite writes; ``append`` and the history store take only
    records built here."""
    if kind not in KINDS:
        raise ValueError(f"A result record's `kind` must be one of {', '.join(KINDS)}. Received: {kind!r}")
    return {"format": FORMAT, "kind": kind, **fields}


def _identity(case_id):
    return {"benchmark": case_id.benchmark, "protocol": case_id.protocol, "case": case_id.case}


def run_record(run):
    """One seed's ``RunResult``, as a ``run`` record."""
    return record("run", **run.to_dict())


def summary_record(case_id, schedule, seeds, environment, verdicts, wall_s=None, epochs=None):
    """A judged case: its seeds, the environment of its first seed, each metric's summary and verdict; and, where
    the session timed it, the seconds of wall time its seeds took (``wall_s``) over ``epochs`` epochs each, which
    the night's plan estimates the next night from (``bench.planning.ledger``)."""
    timing = {} if wall_s is None else {"wall_s": float(wall_s), "epochs": int(epochs)}
    return record(
        "summary",
        **_identity(case_id),
        schedule=schedule,
        seeds=list(seeds),
        environment=environment,
        summaries={v.metric: v.measured for v in verdicts},
        verdicts=[v.to_dict() for v in verdicts],
        **timing,
    )


def stopped_record(kind, case_id, schedule, why, environment):
    """A case that did not train here (``not_trained``) or whose training stopped (``failed``), and why."""
    if kind not in ("failed", "not_trained"):
        raise ValueError(f"A stopped case's record is 'failed' or 'not_trained'. Received: {kind!r}")
    return record(kind, **_identity(case_id), schedule=schedule, why=why, environment=environment)


def calibration_record(case_id, condition, seed, metrics, environment, diverged=None):
    """One seed of a calibration set (``python -m bench calibrate gates``): its metrics, or None and why it diverged."""
    fields = {"condition": condition, "seed": seed, "metrics": metrics}
    if diverged is not None:
        fields["diverged"] = diverged
    return record("calibration", **_identity(case_id), **fields, environment=environment)


def append(folder, record, worker_id=None):
    """Append ``record`` to the session folder's file, flushed to disk before returning."""
    append_to(Path(folder) / (worker_file(worker_id) if worker_id else MAIN), record)


def append_to(path, record):
    """Append ``record`` (built by ``record`` or a constructor) to the file ``path`` as one line, flushed
    to disk before returning. A line a kill cut short is ended first, so the record starts a line of its own."""
    check(record)
    _end_line(path)
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")
        f.flush()
        os.fsync(f.fileno())


def check(record):
    """``ValueError`` unless ``record`` is a record of a known kind in the current layout."""
    if record.get("kind") not in KINDS or record.get("format") != FORMAT:
        raise ValueError(
            f"Not a result record of this version: kind {record.get('kind')!r}, format {record.get('format')!r} "
            f"(kinds: {', '.join(KINDS)}; format {FORMAT}). Build it with bench.stores.results.record(kind, ...) "
            "or one of its constructors (run_record, summary_record, stopped_record, calibration_record)."
        )


def upgrade(record):
    """``record`` in the current layout (``FORMAT``), whichever layout it was written in."""
    if record.get("format", 1) >= FORMAT:
        return record
    record = dict(record)
    if "kind" not in record and "condition" in record:
        record["kind"] = "calibration"  # calibrate's first layout
    if record.get("kind") in ("run", "summary") and "schedule" in record:
        record["case"] = record.pop("schedule")
        if "registry_schedule" in record:
            record["schedule"] = record.pop("registry_schedule")
    if record.get("kind") == "summary":
        record["verdicts"] = [_renamed_verdict(v) for v in record.get("verdicts", [])]
    record["format"] = FORMAT
    return record


def _renamed_verdict(verdict):
    verdict = dict(verdict)
    if "schedule" in verdict and "case" not in verdict:
        verdict["case"] = verdict.pop("schedule")
        verdict["schedule"] = verdict.pop("registry_schedule", None)
    return verdict


def read(path, kind=None):
    """The records of one file (of ``kind`` when given), in the current layout, in file order.

    A line that is not whole JSON (the last line of a run killed while writing) is skipped."""
    for line in Path(path).read_text().splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(record, dict):
            continue
        record = upgrade(record)
        if kind is None or record.get("kind") == kind:
            yield record


def files(folder):
    """The session folder's result files: ``results.jsonl`` first, then unmerged worker files in worker order."""
    folder = Path(folder)
    main = [folder / MAIN] if (folder / MAIN).exists() else []
    return main + sorted(folder.glob("results-gw*.jsonl"), key=lambda p: int(p.stem[len("results-gw") :]))


def records(folder, kind=None):
    """Every record of a session folder (of ``kind`` "run" or "summary" when given), in file order,
    in the current layout (``read``)."""
    for path in files(folder):
        yield from read(path, kind)


def sessions(root):
    """The session folders under ``root`` (any depth) that hold results, sorted by path."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted({p.parent for p in root.rglob("results*.jsonl") if p.name == MAIN or p.name.startswith("results-gw")})


def runs(folder):
    """``{CaseId: {seed: RunResult}}`` of a session folder; the first record of a seed wins."""
    from bench.engine.records import RunResult

    found = {}
    for record in records(folder, "run"):
        run = RunResult.from_dict(record)
        found.setdefault(run.case_id, {}).setdefault(run.seed, run)
    return found


def end_with_newline(folder):
    """A run killed while writing leaves a line cut short; what is appended next starts on a line of its own."""
    _end_line(Path(folder) / MAIN)


def _end_line(path):
    path = Path(path)
    if path.exists() and path.stat().st_size:
        with open(path, "rb+") as f:
            f.seek(-1, os.SEEK_END)
            if f.read(1) != b"\n":
                f.write(b"\n")


def merge_workers(folder):
    """Append the workers' files, in worker order, to ``results.jsonl``, then remove them (a resumed
    session would otherwise read their records twice). Returns how many files were merged."""
    folder = Path(folder)
    parts = [p for p in files(folder) if p.name != MAIN]
    if parts:
        end_with_newline(folder)
        with open(folder / MAIN, "a") as out:
            for part in parts:
                text = part.read_text()
                out.write(text if not text or text.endswith("\n") else text + "\n")
            out.flush()
            os.fsync(out.fileno())
        for part in parts:
            part.unlink()
    return len(parts)
