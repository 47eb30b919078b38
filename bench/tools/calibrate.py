"""Measure the gates' false alarms and misses on seeds no baseline saw, with regressions injected.

Run: ``python -m bench calibrate gates BENCHMARK [--sets K] [--seeds N] [--first-seed S] [--jobs 2]
[--protocols P ...] [--regressions R ...] [--records FILE.jsonl]``

Trains every case of BENCHMARK on K disjoint sets of N seeds (S, S+1, ...; by default far from
the baselines' 1000..1039 and a nightly's 0..N-1), first unchanged, then with each regression
injected (``bench.benchmarks.regressions``; ``RunOptions.regression``). In the schedule definition
(the harness's wiring check compares the optimizer with that same changed schedule, so only the
gates can notice) and the run's length:

  x0.5          every rate halved (each rate parameter of the schedule's config)
  x2            every rate doubled
  step_early    step decay drops one epoch earlier (offset + 1); step cases only
  decay_dropped the rate stays at its initial value, s(0) (at its peak for a warmup from 0):
                what Keras 3 does with ``decay=``; every case whose schedule is not constant
  fewer_epochs  training stops after 80 % of the epochs

and in the library under the schedule, as a release could change it:

  momentum      SGD's momentum halved; cases with momentum only
  nesterov      Nesterov momentum switched on; cases with plain momentum only
  initializer   every kernel drawn from he_normal instead of glorot_uniform
  batch_x2      the batch size doubled

Each set is judged exactly as a nightly judges it (``bench.statistics.gates``, alpha = 1 % / T with
T the gated tests of the CPU nightly, ``pytest -m "slow and not gpu"``), against the committed
baseline. Printed per case and metric: the effect size of each regression (change of the mean
over the pooled per-seed std), false alarms / K, detections / K, and the n a case would need
where a regression goes undetected; then the session's share of sets with any false alarm. The
same judgments are repeated on random re-draws of N seeds from all K x N unchanged seeds, which
resolves rates far below 1 / K. The seeds of a case under one condition train together where the
benchmark can (``Benchmark.run``: the same numbers as one at a time); each group's seeds are
appended to ``--records`` as it finishes, so an interrupted calibration resumes where it stopped.
"""

import concurrent.futures
import math
import multiprocessing
from pathlib import Path

import numpy as np
from tabulate import tabulate

from bench import benchmarks
from bench.benchmarks import processes, regressions
from bench.engine.records import METRICS, CaseId, summarize
from bench.engine.rules import NonFiniteLoss
from bench.statistics import figures, gates
from bench.statistics.verdicts import Verdict
from bench.stores import baselines, results
from bench.stores.baselines import environment_label
from bench.tools import cli
from bench.tools.cli import UserError

REGRESSIONS = regressions.NAMES
DEFAULT_FIRST_SEED = 100_000
RESAMPLES = 1000


def expand(names):
    """Regression names with the groups ``schedule`` and ``library`` spelled out, in order, each once."""
    out = []
    for name in names:
        for regression in regressions.GROUPS.get(name, (name,)):
            if regression not in out:
                out.append(regression)
    return out


def applies(regression, case):
    """Whether ``regression`` changes the rate (or training) of ``case`` (a ``Case``)."""
    return regressions.get(regression).applies(case)


def run_options(regression):
    """The ``RunOptions`` that inject ``regression`` (None: unchanged)."""
    from bench.benchmarks import RunOptions

    return RunOptions(regression=regression)


def _init_worker():
    """One compute thread per training process, on whichever backend Keras runs."""
    import os

    from bench.engine.records import keras_backend

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    processes.disable()  # this process is one of --jobs workers already
    backend = keras_backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    elif backend == "torch":
        import torch

        torch.set_num_threads(1)
    elif backend == "jax":  # read when JAX starts, so before Keras imports it
        os.environ["XLA_FLAGS"] = (
            os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        ).strip()


def train_group(task):
    """The seeds of one case under one condition, ``task`` = (benchmark, protocol, case, condition, seeds):
    trained together where the benchmark can (``Benchmark.run``; a seed's numbers do not depend on its
    group), one record per seed."""
    name, protocol, case, condition, seeds = task
    benchmark = benchmarks.get(name)
    case_id, label = CaseId(name, protocol, case), condition or "unchanged"
    try:
        runs = benchmark.run(case, seeds, protocol, options=run_options(condition))
    except NonFiniteLoss as err:  # a nightly fails such a case; find which seeds diverged, one at a time
        if len(seeds) > 1:
            return [r for seed in seeds for r in train_group((name, protocol, case, condition, [seed]))]
        return [results.calibration_record(case_id, label, seeds[0], None, this_environment(), diverged=str(err))]
    return [
        results.calibration_record(case_id, label, run.seed, run.metrics, environment_label(run.environment))
        for run in runs
    ]


def cpu_case_entries(directory=baselines.DEFAULT_DIR):
    """The baseline entries of every case of every CPU benchmark (those of ``pytest -m "slow and not gpu"``)."""
    for benchmark in benchmarks.all_benchmarks():
        if benchmark.needs_gpu:
            continue
        doc = baselines.load(benchmark.name, directory)
        for protocol, case in benchmark.protocol_cases():
            yield baselines.case_entries(doc, protocol, case, directory, missing_ok=True)


def cpu_nightly_tests(directory=baselines.DEFAULT_DIR):
    """Gated tests of ``pytest -m "slow and not gpu"``: the gated baseline entries of every case of
    every CPU benchmark, counted as the session counts them (``BenchSession.count_judged``)."""
    return sum(len(gates.gated_metrics(entries)) for entries in cpu_case_entries(directory))


def judge_set(entries, values_by_metric, alpha):
    """``{metric: verdict}`` of one case for one seed set, as a nightly would judge it."""
    out = {}
    for metric, values in values_by_metric.items():
        if METRICS[metric].question == "info" or metric not in entries:
            continue
        verdict = gates.judge_metric(Verdict("", "", "", metric, summarize(values), baseline=entries[metric]), alpha)
        out[metric] = verdict.verdict
    return out


def parser():
    p = cli.parser("calibrate gates", __doc__.splitlines()[0])
    cli.add_benchmark(p, which=[b.name for b in benchmarks.all_benchmarks() if not b.needs_gpu])
    p.add_argument("--sets", type=int, default=5, help="disjoint seed sets K (default: 5)")
    cli.add(p, "seeds", "in each set (default: the nightly's)", type=int, default=None)
    cli.add(p, "first-seed", f"of the first set (default: {DEFAULT_FIRST_SEED})", type=int, default=DEFAULT_FIRST_SEED)
    p.add_argument("--protocols", nargs="+", default=None, help="protocols (default: all)")
    p.add_argument(
        "--regressions",
        nargs="*",
        choices=[*regressions.GROUPS, *REGRESSIONS],
        default=["schedule"],
        help="regressions to inject; `schedule` and `library` name their groups (default: schedule, the five above)",
    )
    p.add_argument(
        "--tests",
        type=int,
        default=None,
        help="gated tests in the session T, for alpha = 1 %% / T (default: the CPU nightly's)",
    )
    p.add_argument("--jobs", type=int, default=1, help="training processes, one compute thread each (default: 1)")
    cli.add(
        p,
        "records",
        "every trained seed's, appended as each finishes and read back to resume (default: calibrate-BENCHMARK.jsonl)",
        default=None,
    )
    return p


def main(argv=None):
    p = parser()
    args = p.parse_args(argv)
    benchmark, n, protocols, doc, seeds = _checked(p, args)
    args.regressions = expand(args.regressions)
    tests = args.tests or cpu_nightly_tests()
    results_path = Path(args.records or f"calibrate-{benchmark.name}.jsonl")
    done = _recorded(results_path)
    here, elsewhere = this_environment(), {r["environment"] for r in done.values() if r.get("environment")}
    if elsewhere - {here}:
        raise UserError(
            f"{results_path} holds seeds trained in {', '.join(sorted(elsewhere - {here}))}, and this is "
            f"{here}: one calibration file per environment (python -m bench calibrate matrix compares them). "
            "Give this environment its own --records file.",
        )
    groups, runs = _groups(benchmark, protocols, args.regressions, seeds, done)
    todo = sum(len(group[-1]) for group in groups)
    print(
        f"{benchmark.name}: {runs} runs, {runs - todo} already in {results_path}; "
        f"training {todo} in {len(groups)} groups (a case and condition each) with {args.jobs} process(es)",
        flush=True,
    )
    for records in _trained(groups, args.jobs):
        for r in records:
            done[_key(r)] = r
            results.append_to(results_path, r)
    print(render(benchmark, doc, protocols, args.regressions, seeds, n, args.sets, gates.alpha_for(tests), tests, done))
    return 0


def _checked(p, args):
    """``(benchmark, n, protocols, baseline document, every seed)`` from the arguments; a usage error
    (exit 2) for bad counts, an unknown protocol, a broken baseline file or seeds a baseline was measured on."""
    benchmark = benchmarks.get(args.benchmark)
    n = args.seeds or benchmark.seeds
    if args.sets < 1 or n < 2:
        raise UserError(f"--sets must be >= 1 and --seeds >= 2. Received: --sets={args.sets} --seeds={n}")
    protocols = args.protocols or list(benchmark.protocols)
    for protocol in protocols:
        if protocol not in benchmark.protocols:
            raise UserError(
                f"--protocols {protocol!r} is not a {benchmark.name} protocol; choose from "
                f"{', '.join(benchmark.protocols)}"
            )
    try:
        doc = baselines.load(benchmark.name)
    except baselines.BaselineError as err:
        raise UserError(str(err)) from None
    seeds = list(range(args.first_seed, args.first_seed + args.sets * n))
    overlap = set(seeds) & {s for pr in protocols for c in benchmark.cases for s in baselines.seeds_of(doc, pr, c)}
    if overlap:
        raise UserError(f"seeds {min(overlap)}..{max(overlap)} are baseline seeds; choose another --first-seed")
    return benchmark, n, protocols, doc, seeds


def this_environment():
    """This process's environment label (``baselines.environment_label``), after Keras has loaded its backend."""
    from bench.engine.records import environment
    from schedules.backend import keras  # noqa: F401  (the device is known once the backend has loaded)

    return environment_label(environment())


def _key(record):
    return record["benchmark"], record["protocol"], record["case"], record["condition"], record["seed"]


def _recorded(path):
    """``{(benchmark, protocol, case, condition, seed): record}`` already in the calibration file."""
    return {_key(r): r for r in results.read(path, "calibration")} if path.exists() else {}


def _groups(benchmark, protocols, regressions, seeds, done):
    """``(groups, runs)``: the seeds still to train as ``(benchmark, protocol, case, condition, seeds)``
    groups, one per case and condition (the seeds of a group train together where the benchmark can),
    and how many runs the calibration has in all."""
    tasks = [
        (benchmark.name, p, c, cond, s)
        for cond in [None, *regressions]
        for p in protocols
        for c, case in benchmark.cases.items()
        if cond is None or applies(cond, case)
        for s in seeds
    ]
    groups = {}
    for name, protocol, case, condition, seed in tasks:
        if (name, protocol, case, condition or "unchanged", seed) not in done:
            groups.setdefault((name, protocol, case, condition), []).append(seed)
    return [(*key, group_seeds) for key, group_seeds in groups.items()], len(tasks)


def _trained(groups, jobs):
    """Each group's records as it finishes: in ``jobs`` processes (one TensorFlow thread each), or here."""
    if jobs > 1:
        ctx = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker) as pool:
            for i, records in enumerate(pool.map(train_group, groups), 1):
                yield records
                print(f"  group {i}/{len(groups)}", flush=True)
    else:
        for i, group in enumerate(groups, 1):
            yield train_group(group)
            print(f"  group {i}/{len(groups)}", flush=True)


def _flags(done, benchmark, protocol, case, condition, entries, metric, seed_sets, alpha):
    """Per seed set: whether the gate on ``metric`` fails it; a set with a diverged seed fails (a nightly
    stops such a case with ``NonFiniteLoss``)."""
    flags = []
    for ss in seed_sets:
        metrics = [done[(benchmark, protocol, case, condition, s)]["metrics"] for s in ss]
        flags.append(
            any(m is None for m in metrics)
            or judge_set(entries, {metric: [m[metric] for m in metrics]}, alpha)[metric] != "pass"
        )
    return np.array(flags, bool)


def _finite(done, key, seeds, metric):
    """``(values, diverged)``: ``metric`` of the seeds that trained to the end, and how many diverged."""
    metrics = [done[(*key, s)]["metrics"] for s in seeds]
    return [m[metric] for m in metrics if m is not None], sum(m is None for m in metrics)


def _rate(flags, drawn):
    """``"k/K = r % (lo-hi %)"`` over the disjoint sets, then the re-drawn sets' rate where there are any."""
    text = figures.rate_text(int(flags.sum()), len(flags))
    return text + (f"; re-drawn {drawn.mean():.1%}" if len(drawn) else "")


def render(benchmark, doc, protocols, regressions, seeds, n, sets, alpha, tests, done):
    """The calibration table, from the trained seeds in ``done``: per case and gated metric, then the
    case as a nightly sees it ("any": the case fails if any of its gates does)."""
    rng = np.random.default_rng(0)
    set_seeds = [seeds[k * n : (k + 1) * n] for k in range(sets)]
    draws = [sorted(rng.choice(seeds, n, replace=False).tolist()) for _ in range(RESAMPLES)] if len(seeds) > n else []
    rows = []
    session_sets, session_draws = np.zeros(sets, bool), np.zeros(len(draws), bool)
    for protocol in protocols:
        for name, case in benchmark.cases.items():
            entries = doc["cases"].get(protocol, {}).get(name, {})
            gated = [m for m in entries if METRICS[m].question != "info"]
            if not gated:
                continue
            case_sets, case_draws = np.zeros(sets, bool), np.zeros(len(draws), bool)
            caught = {r: np.zeros(sets, bool) for r in regressions}
            for metric in gated:
                falses = _flags(done, benchmark.name, protocol, name, "unchanged", entries, metric, set_seeds, alpha)
                drawn = _flags(done, benchmark.name, protocol, name, "unchanged", entries, metric, draws, alpha)
                case_sets |= falses
                case_draws |= drawn
                row = [
                    protocol,
                    name,
                    case.schedule,
                    f"{metric}",
                    METRICS[metric].question,
                    _rate(falses, drawn),
                ]
                base, _ = _finite(done, (benchmark.name, protocol, name, "unchanged"), seeds, metric)
                for regression in regressions:
                    if not applies(regression, case):
                        row.append("n/a")
                        continue
                    changed, diverged = _finite(done, (benchmark.name, protocol, name, regression), seeds, metric)
                    d = figures.effect_size(base, changed) if len(base) > 1 and len(changed) > 1 else math.nan
                    hits = _flags(done, benchmark.name, protocol, name, regression, entries, metric, set_seeds, alpha)
                    caught[regression] |= hits
                    cell = f"{d:+.1f}: {figures.rate_text(int(hits.sum()), sets)}"
                    if hits.sum() < 0.9 * sets and not math.isnan(d):
                        need = figures.needed_seeds(d, entries[metric]["n"], alpha)
                        cell += f" (n {need})" if need else " (no n)"
                    if diverged:
                        cell += f" ({diverged} diverged)"
                    row.append(cell)
                rows.append(row)
            rows.append(
                [
                    protocol,
                    name,
                    case.schedule,
                    "any gate",
                    "nightly",
                    _rate(case_sets, case_draws),
                    *[
                        ("n/a" if not applies(r, case) else figures.rate_text(int(caught[r].sum()), sets))
                        for r in regressions
                    ],
                ]
            )
            session_sets |= case_sets
            session_draws |= case_draws
    headers = [
        "protocol",
        "case",
        "schedule",
        "metric",
        "question",
        "false alarms (re-drawn)",
        *[f"{r}: d: caught" for r in regressions],
    ]
    lines = [
        f"{benchmark.name}: {sets} disjoint sets of {n} seeds ({seeds[0]}..{seeds[-1]}), none a baseline seed; "
        f"alpha {alpha:.2g} per test = 1 % / {tests} gated tests of the CPU nightly",
        "d = change of the mean / pooled per-seed std; caught = sets whose gate fails; (n N) = seeds per "
        "nightly a normal two-sided test would need for 90 % power, (no n) = not even with infinitely many",
        tabulate(rows, headers=headers, disable_numparse=True),
        f"{benchmark.name}: sets with any false alarm: {figures.rate_text(int(session_sets.sum()), sets)}"
        + (f"; over {len(draws)} re-drawn sets of {n} of these seeds: {session_draws.mean():.1%}" if draws else ""),
        "each rate: count/sets = rate (exact 95 % interval over the disjoint sets); a re-drawn rate resolves "
        "smaller rates but its draws share seeds, so the disjoint sets' interval is the one to believe",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
