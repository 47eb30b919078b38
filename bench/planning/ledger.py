"""What the night's plan reads of the history store: this machine's earlier nights, when each case last
trained and how long it took, and the seeds a case has collected towards a baseline of its own.

A night of *this machine* is a nightly (no quick pass, no side of ``compare``) whose options hold the same
``machine`` key (``bench.engine.records.machine()``: library versions, backend, CPU and its vector sets,
GPUs) as this session's. Collected seeds are counted over the nights of this machine that also trained
the same ``training_code`` (``bench.engine.fingerprint.training_code``), and only seeds of the collection
range ``COLLECT_SEEDS``, which no nightly's gates and no ``--update-baselines`` run use
(docs/nightlies.md#baselines-from-nights).
"""

import dataclasses

from bench.engine.records import CaseId

# Seeds a case collects for its baseline: 500,000 on, below the GPU nightly's judged seeds (1,000,000 + 100 x
# its run number) and far above the nightly's default (0 on) and --update-baselines' (1,000 on).
COLLECT_SEEDS = range(500_000, 1_000_000)


def is_nightly(night):
    options = night.get("options") or {}
    return "side" not in options and not options.get("quick") and not options.get("plan_only")


def machine_nights(store, machine):
    """This machine's nightly nights in ``store``, oldest first (dicts of ``HistoryStore.nights``)."""
    return [n for n in store.nights() if is_nightly(n) and (n.get("options") or {}).get("machine") == machine]


@dataclasses.dataclass(frozen=True)
class Past:
    """What the history says of one case on this machine."""

    waited: int = None  # nights since the one it last trained in (0: the last night); None: never trained here
    last_trained: str = None  # that night's start (UTC)
    seed_epoch_s: float = None  # seconds per seed-epoch there, from its summary's wall time
    seed_epoch_detail: str = None


def pasts(store, nights):
    """``{CaseId: Past}`` for every case ``nights`` (this machine's, oldest first) trained."""
    position = {n["id"]: i for i, n in enumerate(nights)}
    started = {n["id"]: n["started"] for n in nights}
    latest = {}
    for night_id, record in store.records(kind="summary"):
        if night_id in position:
            case = CaseId.of(record)
            if case not in latest or position[night_id] >= position[latest[case][0]]:
                latest[case] = (night_id, record)
    out = {}
    for case, (night_id, record) in latest.items():
        seconds = _seed_epoch_s(record)
        out[case] = Past(
            waited=len(nights) - 1 - position[night_id],
            last_trained=started[night_id],
            seed_epoch_s=seconds,
            seed_epoch_detail=None
            if seconds is None
            else f"history: {len(record['seeds'])} seed(s) x {record['epochs']} epochs took {record['wall_s']:.1f} s "
            f"on the night of {started[night_id]}",
        )
    return out


def _seed_epoch_s(summary):
    wall, epochs, seeds = summary.get("wall_s"), summary.get("epochs"), summary.get("seeds") or []
    if not wall or not epochs or not seeds:
        return None
    return wall / (len(seeds) * epochs)


def collected_seeds(store, cases, machine, training_code):
    """``{CaseId: sorted seeds}``: the seeds of ``COLLECT_SEEDS`` each of ``cases`` trained on nights of ``machine``
    and ``training_code`` (a case that trained none is left out). The nights are read once, and the summaries
    once per benchmark."""
    nights = {
        n["id"]
        for n in machine_nights(store, machine)
        if (n.get("options") or {}).get("training_code") == training_code
    }
    wanted = set(cases)
    seeds = {}
    for benchmark in sorted({case.benchmark for case in wanted}):
        for night_id, record in store.records(kind="summary", benchmark=benchmark):
            case = CaseId.of(record)
            if night_id in nights and case in wanted:
                seeds.setdefault(case, set()).update(s for s in record["seeds"] if s in COLLECT_SEEDS)
    return {case: sorted(found) for case, found in seeds.items()}


@dataclasses.dataclass(frozen=True)
class Collection:
    """The seeds a case collected under one (machine, training code), for ``baselines from-history``."""

    case: CaseId
    machine: dict
    training_code: str
    runs: list  # run records, one per seed, by seed
    nights: list  # the nights' start dates, oldest first


def _collection_key(night):
    options = night.get("options") or {}
    return options.get("machine"), options.get("training_code")


def newest_collection(store, case):
    """The ``Collection`` of the newest night that collected seeds of ``case`` (its machine and training code,
    every night of those); None when no night did."""
    nights = [n for n in store.nights() if is_nightly(n)]
    by_id = {n["id"]: n for n in nights}
    runs_by_night = {}
    for night_id, record in store.records(kind="run", benchmark=case.benchmark):
        if night_id in by_id and CaseId.of(record) == case and record["seed"] in COLLECT_SEEDS:
            runs_by_night.setdefault(night_id, []).append(record)
    if not runs_by_night:
        return None
    newest = max(runs_by_night, key=lambda i: (by_id[i]["started"], i))
    key = _collection_key(by_id[newest])
    same = [i for i in runs_by_night if _collection_key(by_id[i]) == key]
    runs = {}
    for night_id in sorted(same, key=lambda i: (by_id[i]["started"], i)):
        for record in runs_by_night[night_id]:
            runs.setdefault(record["seed"], record)  # the first kept run of a seed wins, as in the store
    return Collection(
        case,
        key[0] or {},
        key[1],
        [runs[s] for s in sorted(runs)],
        sorted(by_id[i]["started"] for i in same),
    )
