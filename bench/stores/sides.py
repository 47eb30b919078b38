"""A revision's per-seed runs kept in the history store for ``python -m bench compare`` and ``bisect``.

A *side* is what one revision trained here: its runs, keyed by ``key`` (the revision's code fingerprint,
the machine's ``bench.engine.records.machine()`` and the options that change training). Each kept batch
is a night of the history store whose options hold ``{"side": key}``, with the commit it was trained at
(and whether the tree was dirty); ``find`` returns the stored runs of the seeds asked for whose key is
equal, so a pull request trains only its own side once its base has been measured on the same kind of
machine, and a run of another environment or machine is never mixed in (it is retrained instead). Such a
night is no nightly: ``HistoryStore.nights`` leaves it out unless asked, so the nightly's readers (its
series, change points, dashboard) never number it.
"""

import hashlib
import json
import platform
import uuid

from bench.stores import provenance


def key(fingerprint, machine, options):
    """The key a side's runs are kept and found by (a plain dict, JSON as it is stored)."""
    return {"fingerprint": fingerprint, "machine": dict(machine), "options": dict(options)}


def digest(side_key):
    return hashlib.sha256(json.dumps(side_key, sort_keys=True).encode()).hexdigest()[:12]


def find(store, side_key, wanted):
    """``{CaseId: {seed: run record}}`` of the stored runs under ``side_key`` among ``wanted``
    (``{CaseId: [seeds]}``); the first kept record of a seed wins."""
    from bench.engine.records import CaseId

    nights = [n["id"] for n in store.nights(sides=True) if (n.get("options") or {}).get("side") == side_key]
    found = {}
    for night in nights:
        for _, record in store.records(night_id=night, kind="run"):
            case = CaseId(record["benchmark"], record["protocol"], record["case"])
            if record["seed"] in wanted.get(case, ()):
                found.setdefault(case, {}).setdefault(record["seed"], record)
    return found


def cases(store, side_key):
    """``{CaseId: [seeds]}``: what the revision said it trains on this machine when its runs were kept (its
    probe's answer, kept beside them), or None when no night of ``side_key`` holds one."""
    from bench.engine.records import CaseId

    for night in reversed(store.nights(sides=True)):
        options = night.get("options") or {}
        if options.get("side") == side_key and "cases" in options:
            return {CaseId(b, p, c): list(seeds) for b, p, c, seeds in options["cases"]}
    return None


def keep(store, side_key, commit, dirty, run_records, machine, folder=None, probed=None):
    """Keep ``run_records`` (results-store ``run`` records) as a night of the side ``side_key``, with what the
    revision trains here (``probed``, ``{CaseId: [seeds]}``); the night's id."""
    info = {
        "key": f"side:{digest(side_key)}:{uuid.uuid4().hex[:12]}",
        "started": provenance.now(),
        "commit": commit,
        "dirty": dirty,
        "branch": None,
        "host": platform.node(),
        "results_dir": None if folder is None else str(folder),
        "environment": dict(machine),
        "options": {"side": side_key, "cases": [[*case, list(seeds)] for case, seeds in (probed or {}).items()]},
    }
    night = store.night(info)
    store.add_many(night, list(run_records))
    return night
