"""Measure the version matrix's verdicts on seeds no baseline saw: false alarms and detections.

Run: ``python -m bench calibrate matrix FILE [FILE ...] [--seeds N] [--envs E] [--resamples R]``

Each FILE holds one environment's ``python -m bench calibrate gates`` records (``--records``: the
same first seed, sets and seeds in every environment; ``--regressions library`` for the
library's regressions). For each benchmark, the seeds every environment trained unchanged are
cut into K disjoint sets of N (a nightly's seeds), and R random re-draws of N resolve rates
far below 1 / K. On each set every case is judged exactly as ``python -m bench matrix``
judges a matrix run (``bench.statistics.matrix.judge_case``: each environment's gates against the
committed baseline, and a paired per-seed test against the reference environment, the one the
baseline was measured in when present) at the matrix's alpha = 1 % / T, T the tests of a matrix
run of E environments over every CPU case (``matrix.tests_per_case``; E = tox's environments).

Printed per benchmark and case:

- false alarms: sets in which an environment that trained unchanged is called CHANGED or WORSE
  (the reference by its gates alone, the others by gates and paired test), or a seed's loss
  stopped being finite (a nightly fails that case);
- detections: for each regression injected in an environment, that environment's runs with it
  beside the reference's unchanged runs on the same seeds, as a matrix run would hold them; the
  sets in which the case is called CHANGED or WORSE (or a seed diverged).

Then per benchmark the share of sets in which any case of any unchanged environment fails (a
matrix run's false alarms; goal <= 1 %), and per regression and environment the share in which
any case fails (goal >= 90 % where the change moves training). Reads files only; trains nothing.
"""

from pathlib import Path

import numpy as np
from tabulate import tabulate

from bench import benchmarks
from bench.benchmarks import regressions
from bench.statistics import figures, gates, matrix
from bench.stores import baselines, results
from bench.tools import calibrate, cli
from bench.tools.cli import UserError

RESAMPLES = 200
TOX_ENVS = 6  # tf212, tf215, tf216, tf221, keras3-jax, keras3-torch (tox.ini)


def load(paths):
    """``{(benchmark, protocol, case, condition): {env: {seed: metrics}}}`` from calibration files."""
    found = {}
    for path in paths:
        if not Path(path).is_file():
            raise UserError(f"{path}: no such file. Give the --records files of `python -m bench calibrate gates`.")
        records = list(results.read(path, "calibration"))
        if not records:
            raise UserError(
                f"{path}: no calibration records. Give the --records files of `python -m bench calibrate gates`."
            )
        for r in records:
            if not r.get("environment"):
                raise UserError(
                    f"{path}: its records do not say which environment trained them (written before "
                    "calibrate recorded it); calibrate again into a new file."
                )
            key = (r["benchmark"], r["protocol"], r["case"], r["condition"])
            found.setdefault(key, {}).setdefault(r["environment"], {})[r["seed"]] = r["metrics"]
    return found


def seed_sets(found, benchmark, n, resamples, rng):
    """``(sets, draws)``: disjoint sets of ``n`` of the seeds every environment trained every case of
    ``benchmark`` on unchanged (in order), and ``resamples`` random draws of ``n`` of them."""
    common = None
    for (name, _, _, condition), by_env in found.items():
        if name == benchmark and condition == "unchanged":
            for seeds in by_env.values():
                common = set(seeds) if common is None else common & set(seeds)
    seeds = sorted(common or ())
    if len(seeds) < n:
        raise UserError(
            f"{benchmark}: {len(seeds)} seeds trained unchanged in every environment, fewer than a "
            f"set of {n}; calibrate more --sets, or give --seeds."
        )
    sets = [seeds[k * n : (k + 1) * n] for k in range(len(seeds) // n)]
    draws = [sorted(rng.choice(seeds, n, replace=False).tolist()) for _ in range(resamples)] if len(seeds) > n else []
    return sets, draws


def matrix_tests(envs, directory=baselines.DEFAULT_DIR):
    """T of a matrix run of ``envs`` environments, each training every CPU case on the same seeds."""
    return sum(matrix.tests_per_case(entries, envs) for entries in calibrate.cpu_case_entries(directory))


def _runs(env, key, by_seed, seeds):
    name, protocol, case, _ = key
    rows = [by_seed[s] for s in seeds]
    return matrix.Runs(
        env, name, protocol, case, seeds=list(seeds), values={m: [r[m] for r in rows] for m in rows[0]}, epochs=0
    )


def _diverged(by_seed, seeds):
    return any(by_seed[s] is None for s in seeds)


def failed(by_env, entries, reference, alpha):
    """``{env: whether cross_version would call the case CHANGED or WORSE there}``."""
    return {env: cell.failed for env, cell in matrix.judge_case(by_env, entries, reference, alpha).items()}


def calibrate_case(found, key, entries, envs, reference, seed_lists, alpha):
    """``(false, caught)`` over ``seed_lists``: ``false[env]`` a boolean per list (the unchanged runs
    called changed); ``caught[(condition, env)]`` a boolean per list (the injected runs called changed)."""
    unchanged = found[key]
    false = {env: np.zeros(len(seed_lists), bool) for env in envs}
    caught = {}
    conditions = {k[3]: v for k, v in found.items() if k[:3] == key[:3] and k[3] != "unchanged"}
    for i, seeds in enumerate(seed_lists):
        diverged = {env for env in envs if _diverged(unchanged[env], seeds)}
        by_env = {env: _runs(env, key, unchanged[env], seeds) for env in envs if env not in diverged}
        for env, bad in failed(by_env, entries, reference, alpha).items():
            false[env][i] = bad
        for env in diverged:  # a nightly stops a case whose loss is not finite: it fails
            false[env][i] = True
        for condition, by_env_changed in conditions.items():
            for env, by_seed in by_env_changed.items():
                if not all(s in by_seed for s in seeds):
                    continue
                flags = caught.setdefault((condition, env), np.zeros(len(seed_lists), bool))
                if _diverged(by_seed, seeds):
                    flags[i] = True
                    continue
                injected = f"{env} [injected: {condition}]"
                pair = {injected: _runs(injected, key, by_seed, seeds)}
                if reference in by_env:
                    pair[reference] = by_env[reference]
                flags[i] = failed(pair, entries, reference, alpha)[injected]
    return false, caught


def render(name, doc, found, sets, draws, envs, reference, alpha, tests, directory=baselines.DEFAULT_DIR):
    """The calibration of ``name``'s cases in the matrix (``doc``: its baseline document, read from
    ``directory``): a table and its summary lines."""
    benchmark = benchmarks.get(name)
    short = {env: f"[{i + 1}]" for i, env in enumerate(envs)}
    rows, any_false, any_false_drawn, any_caught = [], np.zeros(len(sets), bool), np.zeros(len(draws), bool), {}
    columns = sorted(
        {
            (k[3], env)
            for k, by_env in found.items()
            if k[0] == name and k[3] != "unchanged"
            for env in by_env
            if env in envs
        },
        key=lambda c: (regressions.NAMES.index(c[0]), envs.index(c[1])),
    )
    for protocol, case in benchmark.protocol_cases():
        key = (name, protocol, case, "unchanged")
        entries = baselines.case_entries(doc, protocol, case, directory, missing_ok=True)
        if key not in found or not gates.gated_metrics(entries):
            continue
        false, caught = calibrate_case(found, key, entries, envs, reference, sets, alpha)
        false_drawn, caught_drawn = (
            calibrate_case(found, key, entries, envs, reference, draws, alpha) if draws else ({}, {})
        )
        row = [protocol, case]
        for env in envs:
            row.append(_rate(false[env], false_drawn.get(env)))
            any_false |= false[env]
            if draws:
                any_false_drawn |= false_drawn[env]
        for column in columns:
            if column not in caught:
                row.append("n/a")
                continue
            row.append(_rate(caught[column], caught_drawn.get(column)))
            totals = any_caught.setdefault(column, [np.zeros(len(sets), bool), np.zeros(len(draws), bool)])
            totals[0] |= caught[column]
            if draws:
                totals[1] |= caught_drawn[column]
        rows.append(row)
    headers = ["protocol", "case", *[f"false {short[e]}" for e in envs], *[f"{c} {short[e]}" for c, e in columns]]
    lines = [
        f"{name}: {len(sets)} disjoint sets of {len(sets[0])} seeds (re-drawn {len(draws)} times); alpha "
        f"{alpha:.2g} per test = 1 % / {tests} tests of a matrix run",
        "environments: " + "; ".join(f"{short[e]} {e}{' (reference)' if e == reference else ''}" for e in envs),
        "false [k]: sets in which environment k, trained unchanged, is called CHANGED or WORSE; <regression> "
        "[k]: sets in which k's runs with it are, beside the reference's unchanged runs (re-drawn sets in "
        "brackets)",
        tabulate(rows, headers=headers, disable_numparse=True),
        f"{name}: sets with any false alarm (any case, any environment): {_rate(any_false, any_false_drawn)}",
    ]
    lines += [f"{name}: {c} in {short[e]}: sets with any case caught: {_rate(*any_caught[(c, e)])}" for c, e in columns]
    return "\n".join(lines)


def _rate(flags, drawn=None):
    text = figures.rate_text(int(flags.sum()), len(flags))  # the exact 95 % interval over the disjoint sets
    return text + (f"; re-drawn {drawn.mean():.1%}" if drawn is not None and len(drawn) else "")


def parser():
    p = cli.parser("calibrate matrix", __doc__.splitlines()[0])
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="calibration records of `python -m bench calibrate gates`, one per environment",
    )
    cli.add(p, "seeds", "in each set (default: each benchmark's nightly's)", type=int, default=None)
    p.add_argument(
        "--envs",
        type=int,
        default=TOX_ENVS,
        help=f"environments of the matrix run whose alpha is used (default: tox's {TOX_ENVS})",
    )
    p.add_argument("--resamples", type=int, default=RESAMPLES, help=f"re-drawn sets (default: {RESAMPLES})")
    return p


def main(argv=None):
    p = parser()
    args = p.parse_args(argv)
    if args.envs < 1 or args.resamples < 0 or (args.seeds is not None and args.seeds < 2):
        raise UserError(
            f"--envs must be >= 1, --resamples >= 0 and --seeds >= 2. Received: --envs={args.envs} "
            f"--resamples={args.resamples} --seeds={args.seeds}"
        )
    try:
        found = load(args.files)
        tests = matrix_tests(args.envs)
        alpha = gates.alpha_for(tests)
        out = []
        for name in sorted({k[0] for k in found}, key=benchmarks.names().index):
            benchmark = benchmarks.get(name)
            envs = sorted(
                {env for k, by_env in found.items() if k[0] == name and k[3] == "unchanged" for env in by_env}
            )
            doc = baselines.load(name)
            reference = matrix.reference_env(envs, baselines.measured_in(doc))
            sets, draws = seed_sets(
                found, name, args.seeds or benchmark.seeds, args.resamples, np.random.default_rng(0)
            )
            out.append(render(name, doc, found, sets, draws, envs, reference, alpha, tests))
    except baselines.BaselineError as err:
        raise UserError(str(err)) from None
    print("\n\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
