"""A verdict per environment of the version matrix: one row per case, one column per environment.

Run: ``python -m bench matrix DIR [DIR ...] [--md FILE] [--json FILE]`` where each DIR is a
``--bench-results`` folder (tox writes one per environment under ``.tox/results/``). Reads every
session below them through the results store (``bench.stores.results``; the newest session of
an environment and case wins) and judges each environment's runs of each case
(``bench.statistics.matrix``): the nightly's gates against the committed baselines, and seed by seed
against the environment the baseline was measured in. A cell says ``identical``, ``same``,
``CHANGED <metric> <change> (p ...)``, ``WORSE ...``, ``did not train: <why>`` or ``not run``.

Exit status: 1 when any environment's training changed or got worse, 0 when every one holds,
2 on bad input (no results, or results trained with other epochs than the benchmark's).
"""

import json
from pathlib import Path

from tabulate import tabulate

from bench import benchmarks
from bench.engine.records import CaseId
from bench.harness.summary import case_order
from bench.statistics import gates, matrix
from bench.stores import baselines, results
from bench.stores.baselines import environment_label
from bench.tools import cli
from bench.tools.cli import UserError


def load(dirs):
    """``(by_case, stopped)`` from the results folders: ``{(benchmark, protocol, case): {env: Runs}}``
    (each environment's newest session of a case) and ``{(benchmark, protocol, case): {env: (status, why)}}``
    for a case an environment could not train (``did not train``: a requirement unmet) or whose
    training stopped (``FAILED``: a loss that stopped being finite, a rate off its schedule), each
    as its newest session left it."""
    by_case, stopped = {}, {}
    for d in dirs:
        folders = results.sessions(d)
        if not folders:
            raise UserError(
                f"no results under {d}: run `pytest -m slow --bench-results={d}` first (tox writes "
                "one folder per environment under .tox/results/)."
            )
        for folder in folders:  # sorted by name: a session's name starts with its date, so newer ones win
            runs = results.runs(folder)
            for record in results.records(folder):
                if record["kind"] not in ("summary", "not_trained", "failed"):
                    continue
                key = CaseId(record.get("benchmark"), record.get("protocol"), record.get("case"))
                env = environment_label(record.get("environment", {}))
                if record["kind"] == "summary":
                    by_case.setdefault(key, {})[env] = _runs(env, key, record, runs.get(key, {}))
                    stopped.get(key, {}).pop(env, None)
                elif record["kind"] == "failed":
                    by_case.get(key, {}).pop(env, None)
                    stopped.setdefault(key, {})[env] = ("FAILED", record["why"])
                elif env not in by_case.get(key, {}):
                    stopped.setdefault(key, {})[env] = ("did not train", record["why"])
    if not by_case and not stopped:
        raise UserError(f"no benchmark results in {', '.join(map(str, dirs))}")
    return by_case, stopped


def _runs(env, key, summary, seeds_runs):
    missing = [s for s in summary["seeds"] if s not in seeds_runs]
    if missing:
        raise UserError(f"{'/'.join(key)} in {env}: the summary names seeds {missing} whose runs are not recorded")
    chosen = [seeds_runs[s] for s in summary["seeds"]]
    epochs = {len(r.history.get("train_loss", [])) for r in chosen}
    return matrix.Runs(
        env,
        *key,
        seeds=list(summary["seeds"]),
        values={m: [r.metrics[m] for r in chosen] for m in chosen[0].metrics},
        epochs=max(epochs),
        schedule=summary.get("schedule"),
        train_seconds=sum(r.train_time_s for r in chosen),
    )


def check_epochs(by_case):
    """``UserError`` for runs trained with other epochs than their benchmark's."""
    for (name, protocol, case), by_env in by_case.items():
        if name not in benchmarks.names():
            continue
        want = benchmarks.get(name).config["epochs"]
        for env, runs in by_env.items():
            if runs.epochs != want:
                raise UserError(
                    f"{CaseId(name, protocol, case)} in {env} trained {runs.epochs} epochs, the benchmark "
                    f"trains {want}: the matrix judges only runs of the benchmark as declared."
                )


def judge(by_case, stopped, baseline_dir=baselines.DEFAULT_DIR):
    """``(cells, tests, alpha, references)``: ``cells[(benchmark, protocol, case)][env]`` for every case and
    environment seen, the number of tests T, the per-test alpha and each case's reference environment."""
    docs = {}

    def doc(name):
        if name not in docs:
            docs[name] = baselines.load(name, baseline_dir) if baselines.path_for(name, baseline_dir).exists() else None
        return docs[name]

    def entries_of(key):
        d = doc(key[0])
        return {} if d is None else baselines.case_entries(d, key[1], key[2], baseline_dir, missing_ok=True)

    def baseline_label_of(name):
        return baselines.measured_in(doc(name))

    tests = matrix.count_tests(by_case, entries_of, baseline_label_of)
    alpha = gates.alpha_for(tests)
    envs = sorted({env for by_env in (*by_case.values(), *stopped.values()) for env in by_env})
    cells, references = {}, {}
    for key in sorted(set(by_case) | set(stopped), key=lambda k: case_order(*k)):
        by_env = by_case.get(key, {})
        row = {}
        if by_env:
            references[key] = matrix.reference_env(by_env, baseline_label_of(key[0]))
            row = matrix.judge_case(by_env, entries_of(key), references[key], alpha)
        for env in envs:
            if env not in row:
                status, why = stopped.get(key, {}).get(env, ("not run", None))
                row[env] = matrix.Cell(env, *key, status, f"{status}: {why}" if why else status)
        cells[key] = row
    return cells, tests, alpha, references


def render(cells, tests, alpha, references, fmt="simple"):
    envs = sorted({env for row in cells.values() for env in row})
    rows = [[str(CaseId(*key)), *[row[env].text for env in envs]] for key, row in cells.items()]
    table = tabulate(
        rows, headers=["case", *[f"[{i + 1}] {env}" for i, env in enumerate(envs)]], tablefmt=fmt, disable_numparse=True
    )
    refs = sorted({ref for ref in references.values()})
    notes = [
        f"alpha {alpha:.2g} per test = 1 % / {tests} tests (each environment's gates against the committed "
        "baselines, and paired per-seed tests against the reference environment)",
        "reference (seed-by-seed comparisons): " + "; ".join(f"[{envs.index(r) + 1}] {r}" for r in refs),
    ]
    return table, notes


def training_times(by_case):
    """One line: each environment's training time over the cases every environment trained, and its
    ratio to the fastest (seconds of training, from the run records: compilation included, start-up not)."""
    envs = sorted({env for by_env in by_case.values() for env in by_env})
    common = [by_env for by_env in by_case.values() if set(by_env) == set(envs)]
    if len(envs) < 2 or not common:
        return None
    seconds = {env: sum(by_env[env].train_seconds for by_env in common) for env in envs}
    fastest = min(seconds.values()) or 1e-9
    return f"training time over the {len(common)} cases every environment trained: " + "; ".join(
        f"[{i + 1}] {seconds[env]:.0f} s ({seconds[env] / fastest:.1f}x)" for i, env in enumerate(envs)
    )


def as_json(cells, tests, alpha, references):
    return {
        "alpha": alpha,
        "tests": tests,
        "references": {str(CaseId(*k)): v for k, v in references.items()},
        "cells": [
            {**{k: v for k, v in vars(cell).items()}, "failed": cell.failed}
            for row in cells.values()
            for cell in row.values()
        ],
    }


def main(argv=None):
    p = cli.parser("matrix", __doc__.splitlines()[0])
    p.add_argument(
        "dirs", nargs="+", metavar="DIR", help="results roots (--bench-results), one per environment (.tox/results/*)"
    )
    cli.add(p, "md", "the table (default: none)")
    cli.add(p, "json", "every cell (default: none)")
    cli.add(p, "baselines", "the gates read (default: the project's baselines/)", default=str(baselines.DEFAULT_DIR))
    args = p.parse_args(argv)
    cli.not_there(args.md, "--md")
    cli.not_there(args.json, "--json")
    try:
        by_case, stopped = load(args.dirs)
        check_epochs(by_case)
        cells, tests, alpha, references = judge(by_case, stopped, Path(args.baselines))
    except baselines.BaselineError as err:
        raise UserError(str(err)) from None
    table, notes = render(cells, tests, alpha, references)
    times = training_times(by_case)
    if times:
        notes.append(times)
    print(table)
    print("\n".join(notes))
    failed = [cell for row in cells.values() for cell in row.values() if cell.failed]
    for cell in failed:
        print(f"{cell.status}: {CaseId.of(cell)} in {cell.env}: {cell.text}")
    if args.md:
        md, _ = render(cells, tests, alpha, references, fmt="github")
        Path(args.md).write_text("# Verdict per environment\n\n" + md + "\n\n" + "\n\n".join(notes) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(as_json(cells, tests, alpha, references), indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
