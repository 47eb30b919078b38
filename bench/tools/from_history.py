"""Write a case's baseline entries from the seeds its nights collected in the history store.

Run: ``python -m bench baselines from-history ionosphere --protocol published --case step [--history URL]``

A case without a measured baseline collects seeds over the nights that train it (seeds from
``bench.planning.ledger.COLLECT_SEEDS``, on one machine and one training code: docs/nightlies.md#baselines-from-nights);
the night that brings it to ``MIN_BASELINE_SEEDS`` prints this command. It takes the runs of the newest
collection of the case (every night of that machine and training code), at least ``MIN_BASELINE_SEEDS``
distinct seeds, and writes their per-seed values as the case's entries, with their provenance (versions,
device, the nights, the seeds, the store): the gates then judge later nights on seeds disjoint from these.
A published floor or a no-baseline-yet note of the case is replaced; a measured entry never is: that
refuses, and nothing is written. Reads the store without changing it; exit 2 on bad input.
"""

import time

from bench import benchmarks
from bench.engine.records import CaseId, RunResult, per_seed
from bench.planning import ledger
from bench.report.tables import render_baseline_diff
from bench.statistics import gates
from bench.stores import baselines, history_store
from bench.tools import cli
from bench.tools.cli import UserError


def main(argv=None):
    parser = cli.parser("baselines from-history", __doc__.splitlines()[0])
    cli.add_benchmark(parser)
    cli.add(parser, "protocol", "(default: the benchmark's first, its published one)")
    cli.add(parser, "case", "(required)", required=True)
    cli.add(parser, "history", "read from (default: results/history.sqlite)")
    cli.add(parser, "baselines", "write into (default: the project's baselines/)", default=str(baselines.DEFAULT_DIR))
    args = parser.parse_args(argv)
    benchmark = benchmarks.get(args.benchmark)
    protocol = args.protocol or benchmark.protocols[0]
    try:
        case_id = benchmarks.selection(CaseId.selection(benchmark.name, protocol, args.case), whole_case=True)
    except ValueError as err:
        raise UserError(str(err)) from None
    path = baselines.path_for(benchmark.name, args.baselines)
    try:
        old = baselines.load(benchmark.name, args.baselines) if path.exists() else None
    except baselines.BaselineError as err:
        raise UserError(str(err)) from None
    entries = (old or {}).get("cases", {}).get(protocol, {}).get(args.case, {})
    if baselines.is_measured(entries):
        raise UserError(
            f"{case_id} already has a measured baseline in {path} "
            f"({', '.join(m for m in entries if m != baselines.PENDING)}); "
            "refusing to overwrite it, nothing was written. A reviewed measurement replaces one on purpose: "
            f"{baselines.update_command(benchmark.name, protocol, args.case)}"
        )
    shown = history_store.shown_url(args.history or "results/history.sqlite")
    store = _open(args.history)
    try:
        found = ledger.newest_collection(store, case_id)
    finally:
        store.close()
    need = gates.MIN_BASELINE_SEEDS
    if found is None or len(found.runs) < need:
        have = 0 if found is None else len(found.runs)
        raise UserError(
            f"{case_id} has {have} of the {need} seeds a baseline needs in {shown}; "
            "nothing was written. Each night that trains the case collects more (pytest -m slow, with this store)."
        )
    runs = [RunResult.from_dict(r) for r in found.runs]
    env = runs[0].environment
    how = (
        f"collected over {len(found.nights)} night(s) ({found.nights[0][:10]} .. {found.nights[-1][:10]}) in "
        f"{shown}, training code {found.training_code}"
    )
    command = "python -m bench baselines from-history " + " ".join(argv if argv is not None else [])
    provenance = {
        **baselines.measured_provenance(env, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), command, how),
        "seeds": [run.seed for run in runs],
    }
    new = baselines.updated(
        old, benchmark.name, {(protocol, args.case): per_seed(runs)}, provenance, [baselines.environment_label(env)]
    )
    print(
        render_baseline_diff(
            benchmark.name,
            baselines.diff_rows(old, {"cases": {protocol: {args.case: new["cases"][protocol][args.case]}}}),
        )
    )
    baselines.write_atomic(path, new)
    print(
        f"wrote {path}: {case_id} from {len(runs)} seeds ({runs[0].seed}..{runs[-1].seed}); review it, then commit it"
    )
    return 0


def _open(url):
    """The store to read: ``url`` or the default, which must exist (reading never creates one)."""
    try:
        store = history_store.open_if_exists(url or history_store.default_url("results"))
    except history_store.HistoryError as err:
        raise UserError(str(err)) from None
    if store is None:
        raise UserError(
            f"no history store at {url or 'results/history.sqlite'}: give --history URL, the store the nights wrote to."
        )
    return store


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
