"""Stored baselines: one reviewable JSON file per benchmark in ``baselines/``.

Layout: ``cases -> protocol -> case -> metric -> entry`` (docs/baselines.md). A measured entry
holds the per-seed values it was set from (``values``, at least ``gates.MIN_BASELINE_SEEDS`` of
them), their summary (n, mean, std, min, max), the question the gates ask of the metric, the
rule, and its provenance (versions, device, date, command, seeds). A published entry holds a
write-up's figure and the floor it is gated on. A case that cannot be measured here yet holds
only ``"no_baseline_yet": {"why": ..., "date": ..., "command": ...}``.

Files are only written by commands: ``pytest -m slow --update-baselines`` (the selected cases'
entries, every other entry kept as it was), ``python -m bench baselines pending`` (no baseline yet) and
``python -m bench baselines published`` (a write-up's figures), all through ``write_atomic``, which keeps the
file's mode. A missing, malformed or mismatched file is a ``BaselineError`` naming the file.
"""

import copy
import importlib.util
import json
import math
import os
import tempfile
from pathlib import Path

from bench.engine.records import METRICS, CaseId, summarize

FORMAT = 2
PENDING = "no_baseline_yet"  # the key of a case that has no baseline yet, and why


def _package_dir():
    """The folder of the ``baselines`` package: an installed copy's, or the checkout's ``baselines/`` beside
    ``bench/`` (an editable install made before the folder became a package does not map it)."""
    spec = importlib.util.find_spec("baselines")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).resolve()
    checkout = Path(__file__).resolve().parents[2] / "baselines"
    if checkout.is_dir():
        return checkout
    raise ImportError(
        "The `baselines` package of this suite is not installed; reinstall the suite "
        "(pip install -e '.[cpu]') or pass --bench-baselines=DIR."
    )


def default_dir():
    """The baseline files' folder of this process's project (``bench.stores.project``): the one its
    ``[tool.lr_bench]`` names, else the folder installed with the suite (``_package_dir``)."""
    from bench.stores import project

    return project.current().baselines or _package_dir()


DEFAULT_DIR = default_dir()
REQUIRED_KEYS = ("n", "mean", "std", "better", "provenance")
RULE = {
    "worse": "bootstrap from the baseline seeds: fail below its 1-in-(T/1%) quantile of n-seed means (one-sided)",
    "changed": "bootstrap from the baseline seeds: fail outside its two-sided 1-in-(T/1%) band of n-seed means",
    "info": "not gated",
}


class BaselineError(RuntimeError):
    """A baseline file is missing, malformed, or lacks an entry a test needs."""


def path_for(benchmark, directory=DEFAULT_DIR):
    return Path(directory) / f"{benchmark}.json"


def update_command(benchmark, protocol=None, case=None):
    """The command that measures exactly this benchmark's (or protocol's, or case's) baseline entries."""
    selected = CaseId.selection(benchmark, protocol, case)
    return f"pytest -m slow --bench-case={selected} --update-baselines --bench-seeds=40 --bench-first-seed=1000"


def from_history_command(case_id, history=None, directory=None):
    """The command that writes a case's baseline entries from the seeds its nights collected (``history``: the
    store's URL where it is not the default; ``directory``: the baseline folder where it is not the project's)."""
    command = (
        f"python -m bench baselines from-history {case_id.benchmark} --protocol {case_id.protocol} "
        f"--case {case_id.case}"
    )
    if history:
        command += f" --history {history}"
    if directory is not None and Path(directory).resolve() != DEFAULT_DIR:
        command += f" --baselines {directory}"
    return command


def is_measured(entries):
    """Whether any of a case's entries (``{metric: entry}``) was measured here (not a published figure or a note)."""
    return any(
        isinstance(e, dict) and e.get("provenance", {}).get("source") == "measured"
        for metric, e in (entries or {}).items()
        if metric != PENDING
    )


def pending_command(benchmark, protocol, case):
    """The command that records that a case has no baseline yet, and why."""
    return f"python -m bench baselines pending {CaseId(benchmark, protocol, case)} --why '...'"


def _create_hint(benchmark, protocol=None, case=None):
    hint = f"Review a run, then create it with: {update_command(benchmark, protocol, case)}"
    if case is not None:
        hint += (
            f"; or, where it cannot be measured here (no GPU, no data), record that it has none yet: "
            f"{pending_command(benchmark, protocol, case)}"
        )
    return hint


def _restore_hint(path):
    """How to get a broken baseline file back: git for the repository's own, else the user's copy."""
    if Path(path).resolve().parent == DEFAULT_DIR:
        return f"Fix it, or restore it with `git checkout -- baselines/{Path(path).name}`."
    return (
        f"Fix it, or restore it from your own copy: {Path(path).parent} is not this repository's "
        "baselines/ folder, so git cannot restore it."
    )


def load(benchmark, directory=DEFAULT_DIR):
    """The parsed baseline file of ``benchmark``; ``BaselineError`` if it is unusable."""
    path = path_for(benchmark, directory)
    if not path.is_file():
        raise BaselineError(f"No baseline file {path} for benchmark {benchmark!r}. {_create_hint(benchmark)}")
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise BaselineError(
            f"Baseline file {path} is not valid JSON ({err.msg} at line {err.lineno}, column {err.colno}). "
            f"{_restore_hint(path)}"
        ) from None
    problem = _problem(data, benchmark)
    if problem:
        raise BaselineError(f"Baseline file {path} is malformed: {problem}. {_restore_hint(path)}")
    return data


def _problem(data, benchmark):
    if not isinstance(data, dict):
        return "the top level is not an object"
    if data.get("format") != FORMAT:
        return (
            f"format is {data.get('format')!r}, this suite reads format {FORMAT} (per-seed values; "
            f"re-measure it: {_create_hint(benchmark)})"
        )
    if data.get("benchmark") != benchmark:
        return f"it is for benchmark {data.get('benchmark')!r}, not {benchmark!r}"
    cases = data.get("cases")
    if not isinstance(cases, dict):
        return "it has no 'cases' object"
    for protocol, by_case in cases.items():
        for case, by_metric in by_case.items():
            pending = by_metric.get(PENDING)
            if pending is not None and (len(by_metric) > 1 or not str(pending.get("why", "")).strip()):
                return (
                    f"{protocol}/{case} has '{PENDING}' beside measured entries, or without its 'why'"
                    if len(by_metric) > 1
                    else f"{protocol}/{case}/{PENDING} does not say why"
                )
            for metric, entry in by_metric.items():
                if metric == PENDING:
                    continue
                where = f"{protocol}/{case}/{metric}"
                if metric not in METRICS:
                    return f"unknown metric at {where} (known: {', '.join(METRICS)})"
                missing = [k for k in REQUIRED_KEYS if k not in entry]
                if missing:
                    return f"{where} lacks {', '.join(missing)}"
                if not all(
                    isinstance(entry[k], (int, float)) and math.isfinite(entry[k]) for k in ("n", "mean", "std")
                ):
                    return f"{where} has a non-numeric n, mean or std"
                published = entry["provenance"].get("source") == "published"
                if published and not isinstance(entry.get("threshold"), (int, float)):
                    return f"{where} is a published figure without its floor ('threshold')"
                values = entry.get("values")
                if not published and (
                    not isinstance(values, list)
                    or len(values) != entry["n"]
                    or not all(isinstance(x, (int, float)) and math.isfinite(x) for x in values)
                ):
                    return f"{where} lacks its {entry['n']} per-seed 'values'"
    return None


def case_entries(baseline, protocol, case, directory=DEFAULT_DIR, missing_ok=False):
    """All entries of one case; ``BaselineError`` naming the file if the case is absent (unless
    ``missing_ok``: then none, as for a case that has no baseline yet).

    A metric the case lacks (a published figure gives accuracy only) is judged "new".
    """
    found = baseline["cases"].get(protocol, {}).get(case)
    if found is None and missing_ok:
        return {}
    if found is None:
        path = path_for(baseline["benchmark"], directory)
        raise BaselineError(
            f"Baseline file {path} has no entry {protocol}/{case}. "
            f"{_create_hint(baseline['benchmark'], protocol, case)}"
        )
    return {metric: entry for metric, entry in found.items() if metric != PENDING}


def pending_reason(baseline, protocol, case):
    """Why the case has no baseline yet (its ``no_baseline_yet`` record), else None."""
    record = (baseline or {}).get("cases", {}).get(protocol, {}).get(case, {}).get(PENDING)
    return None if record is None else record["why"]


def with_pending(old, benchmark, cases, why, date, command):
    """A new document: ``old`` (or empty) with each of ``cases`` recorded as having no baseline yet.

    ``BaselineError`` if one already has entries: those are replaced only by a reviewed
    measurement (``--update-baselines``), never by a note.
    """
    if not str(why).strip():
        raise BaselineError("Say why the case has no baseline yet (--why): what it needs that this machine lacks.")
    new = copy.deepcopy(old) if old is not None else {"format": FORMAT, "benchmark": benchmark, "cases": {}}
    new.pop("note", None)  # a file-wide note of an older layout; each case now says why itself
    for protocol, case in cases:
        entries = new["cases"].get(protocol, {}).get(case, {})
        measured = [m for m in entries if m != PENDING]
        if measured:
            raise BaselineError(
                f"{CaseId(benchmark, protocol, case)} already has a baseline ({', '.join(measured)}); "
                "a measurement replaces it (--update-baselines), a note does not. Nothing was written."
            )
        new["cases"].setdefault(protocol, {})[case] = {PENDING: {"why": why, "date": date, "command": command}}
    return new


def seeds_of(baseline, protocol, case):
    """The seeds the case's measured entries were set from (empty for published figures)."""
    entries = (baseline or {}).get("cases", {}).get(protocol, {}).get(case, {})
    return sorted({s for e in entries.values() for s in e.get("provenance", {}).get("seeds", [])})


def updated(old, benchmark, measured, provenance, holds_for=()):
    """A new baseline document: ``old`` (or empty) with every measured case replaced.

    ``measured`` maps ``(protocol, case)`` to ``{metric: per-seed values}``. Cases not
    measured in this session are kept as they were. ``holds_for`` lists the environments
    (``environment_label``) the new entries are known to hold for.
    """
    new = copy.deepcopy(old) if old is not None else {"format": FORMAT, "benchmark": benchmark, "cases": {}}
    new["format"] = FORMAT
    new.pop("note", None)
    for (protocol, case), by_metric_values in measured.items():
        by_metric = {}
        for metric, values in by_metric_values.items():
            m = METRICS[metric]
            by_metric[metric] = {
                **summarize(values),
                "values": [float(v) for v in values],
                "unit": m.unit,
                "better": m.better,
                "question": m.question,
                "rule": RULE[m.question],
                "provenance": dict(provenance),
                "holds_for": list(holds_for),
            }
        new["cases"].setdefault(protocol, {})[case] = by_metric
    return new


def measured_provenance(env, date, command, how):
    """The provenance of measured entries: the environment ``env`` (a run's or a session's, ``records.environment``)
    they were measured in, ``date``, the ``command`` that wrote them and ``how`` they were trained or collected."""
    return {
        "source": "measured",
        "tensorflow": env.get("tensorflow"),
        "keras": env.get("keras"),
        "keras_backend": env.get("keras_backend"),
        "device": env.get("device"),
        "date": date,
        "python": env.get("python"),
        "command": command,
        "how": how,
    }


def environment_label(env):
    """A short name for an environment: TF / Keras versions, backend and device; without TensorFlow,
    Keras and its backend with the backend's version (``Keras 3.15.1 (jax 0.10.2), CPU: ...``); and
    ``[injected: NAME]`` after it when its runs trained with a regression injected (``--bench-inject``),
    ``[quick pass]`` when they were a quick pass's few steps (``--bench-quick``)."""
    backend = env.get("keras_backend", "-")
    if backend in ("jax", "torch"):
        label = f"Keras {env.get('keras', '-')} ({backend} {env.get(backend, '-')}), {env.get('device', '-')}"
    else:
        label = f"TF {env.get('tensorflow', '-')} / Keras {env.get('keras', '-')} ({backend}), {env.get('device', '-')}"
    label = f"{label} [injected: {env['injected']}]" if env.get("injected") else label
    return f"{label} [quick pass]" if env.get("quick") else label


def measured_in(doc):
    """The environment label (``environment_label``) a baseline document's measured entries were
    measured in, the first one found; None for a document of published figures only (or None)."""
    for by_case in (doc or {}).get("cases", {}).values():
        for by_metric in by_case.values():
            for entry in by_metric.values():
                provenance = entry.get("provenance", {}) if isinstance(entry, dict) else {}
                if provenance.get("source") == "measured":
                    return environment_label(provenance)
    return None


def with_holds_for(doc, cases, label):
    """A copy of ``doc`` whose entries of ``cases`` list ``label`` under ``holds_for``."""
    new = copy.deepcopy(doc)
    for protocol, case in cases:
        for e in new["cases"][protocol][case].values():
            holds = e.setdefault("holds_for", [])
            if label not in holds:
                holds.append(label)
    return new


def diff_rows(old, new):
    """``(protocol, case, metric, old n, new n, old mean, new mean, delta)`` rows, for review."""
    rows = []
    for protocol, by_case in new["cases"].items():
        for case, by_metric in by_case.items():
            for metric, e in by_metric.items():
                before = (old or {}).get("cases", {}).get(protocol, {}).get(case, {}).get(metric)
                rows.append(
                    (
                        protocol,
                        case,
                        metric,
                        None if before is None else before["n"],
                        e["n"],
                        None if before is None else before["mean"],
                        e["mean"],
                        None if before is None else e["mean"] - before["mean"],
                    )
                )
    return rows


def write_atomic(path, data):
    """Write ``data`` as JSON to ``path`` via a temporary file and ``os.replace``, keeping the file's mode.

    A new file gets the mode a plain ``open`` would give it (0666 less the umask), not
    ``mkstemp``'s private 0600: a shared checkout must stay readable.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        mode = path.stat().st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=2, sort_keys=False)
            f.write("\n")
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
