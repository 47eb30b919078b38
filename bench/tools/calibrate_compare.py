"""What ``python -m bench compare`` says of injected changes, and of pairs of revisions that train the same.

Run: ``python -m bench calibrate compare [--select ...] [--regressions schedule library] [--against REV]``
(docs/changes.md#calibration)

BASE is this working tree, trained on every selected CPU case's nightly seeds. Each regression of
``bench/benchmarks/regressions.py`` (``--regressions``: the five schedule and four library ones by
default) is a HEAD trained on the same seeds with it injected (``pytest --bench-inject``), and each case is
judged as ``compare`` judges it (``bench/statistics/pairs.py``) and by the nightly's gates on those seeds.
The goals: ``changed`` on every case whose rates or training the regression alters (``applies``), and
``identical`` on every other; ``worse`` at least as often as the nightly's gate fails. Then the pairs that
must be ``identical`` (the false alarms, goal 0): BASE trained again from scratch (a second run of the same
code), and ``--against REV``, a revision whose code differs without touching training (a refactor's
parent, say). Every rate with its exact 95 % interval (``figures.rate_text``).

Every side is kept in the history store (``--history``) as ``compare`` keeps it: run again, only what is
missing trains. Exit 0 when every goal is met, 1 when one is not, 2 on bad input.
"""

import json
from pathlib import Path

from tabulate import tabulate

from bench import benchmarks
from bench.benchmarks import regressions
from bench.statistics import figures, gates, pairs, verdicts
from bench.tools import calibrate, cli, revisions
from bench.tools.cli import UserError
from bench.tools.compare import Sides, add_selection_option, add_side_options, check_selections, open_side_store

DEFAULT = ["schedule", "library"]


def parser():
    p = cli.parser("calibrate compare", __doc__.splitlines()[0])
    add_selection_option(p, "calibrate on these (default: every case that trains on this machine)")
    p.add_argument(
        "--regressions",
        nargs="+",
        default=DEFAULT,
        metavar="NAME",
        help=f"regressions or groups to inject (default: schedule library): {', '.join(regressions.NAMES)}",
    )
    p.add_argument(
        "--against",
        default=None,
        metavar="REV",
        help="a revision whose code differs from this working tree's without touching training: "
        "a false-alarm pair that trains both (default: none)",
    )
    add_side_options(p, "side")
    cli.add(p, "md", "(default: none; the table is printed either way)")
    cli.add(p, "json", "(default: none)")
    return p


def outcomes(base, head, alphas, entries_of, regression=None):
    """One dict per case both sides trained: compare's status, whether the regression applies to the case,
    and whether the nightly's gates fail on HEAD's seeds (any gate; the headline's)."""
    out = []
    for case in base.wanted:
        if case not in head.runs or case not in base.runs:
            continue
        pair = pairs.judge(case, base.runs[case], head.runs[case], alphas["worse"])
        entries, seeds = entries_of(case)
        runs = [head.runs[case][s] for s in sorted(head.runs[case])]
        judged = verdicts.judge_case(case, runs, entries, alphas["gates"], seeds)
        declared = benchmarks.get(case.benchmark).case(case.case)
        out.append(
            {
                "case": str(case),
                "status": pair.status,
                "applies": True if regression is None else calibrate.applies(regression, declared),
                "gate_fails": any(v.verdict in ("FAIL", "CHANGED") for v in judged),
                "gate_worse": any(v.verdict == "FAIL" for v in judged),
            }
        )
    return out


def summary(name, rows):
    """The table's row for one regression: how often each verdict came, each with its interval."""
    hit = [r for r in rows if r["applies"]]
    miss = [r for r in rows if not r["applies"]]
    changed = sum(r["status"] != "identical" for r in hit)
    worse = sum(r["status"] == "worse" for r in hit)
    gate = sum(r["gate_fails"] for r in hit)
    gate_worse = sum(r["gate_worse"] for r in hit)
    untouched = sum(r["status"] == "identical" for r in miss)
    met = changed == len(hit) and untouched == len(miss) and worse >= gate_worse
    return {
        "regression": name,
        "cases it alters": len(hit),
        "changed": figures.rate_text(changed, len(hit)),
        "worse": figures.rate_text(worse, len(hit)),
        "nightly gate fails (any)": figures.rate_text(gate, len(hit)),
        "nightly gate: worse": figures.rate_text(gate_worse, len(hit)),
        "identical where it alters nothing": figures.rate_text(untouched, len(miss)),
        "goals met": "yes" if met else "NO",
        "_met": met,
    }


def false_alarms(name, rows):
    same = sum(r["status"] == "identical" for r in rows)
    return {
        "pair": name,
        "cases": len(rows),
        "identical": figures.rate_text(same, len(rows)),
        "false alarms": figures.rate_text(len(rows) - same, len(rows)),
        "goals met": "yes" if same == len(rows) else "NO",
        "_met": same == len(rows),
    }


def table(rows):
    shown = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    return tabulate(shown, headers="keys", tablefmt="github", disable_numparse=True)


def main(argv=None):
    args = parser().parse_args(argv)
    check_selections(args.selections)
    for name in args.regressions:
        if name not in regressions.NAMES and name not in regressions.GROUPS:
            raise UserError(
                f"--regressions {name!r}: choose from {', '.join([*regressions.GROUPS, *regressions.NAMES])}"
            )
    cli.not_there(args.md, "--md")
    cli.not_there(args.json, "--json")
    repo = revisions.repository(".")
    tree = revisions.resolve(repo)
    against = revisions.resolve(repo, args.against) if args.against else None
    store = open_side_store(args.history, args.results)
    base = Sides(repo, store, args.results).measure(tree, args.selections)
    entries_of = base.entries
    alphas = {
        "worse": pairs.worse_alpha(len(base.wanted)),
        "gates": gates.alpha_for(sum(len(gates.gated_metrics(entries_of(c)[0])) for c in base.wanted)),
    }
    names = calibrate.expand(args.regressions)
    injected = []
    for name in names:
        side = Sides(repo, store, args.results, options={"injected": name}, extra=[f"--bench-inject={name}"])
        head = side.measure(tree, args.selections)
        injected.append((name, outcomes(base, head, alphas, entries_of, name)))
    pairs_same = [
        ("BASE trained again", Sides(repo, store, args.results, options={"rerun": 1}).measure(tree, args.selections))
    ]
    if against is not None:
        pairs_same.append(
            (f"against {against.label}", Sides(repo, store, args.results).measure(against, args.selections))
        )
    regression_rows = [summary(name, rows) for name, rows in injected]
    alarm_rows = [false_alarms(name, outcomes(base, side, alphas, entries_of)) for name, side in pairs_same]
    text = "\n".join(
        [
            f"calibrate compare: {len(base.wanted)} cases at {tree.label} on their nightly seeds; worse at alpha "
            f"{alphas['worse']:.2g} (1 % over the cases), the nightly's gates at {alphas['gates']:.2g}; each rate: "
            "count/cases = rate (exact 95 % interval)",
            "",
            "Injected changes (goals: changed on every case it alters, identical on the rest, worse at least as "
            "often as the nightly's gate says worse):",
            "",
            table(regression_rows),
            "",
            "Pairs that train the same (goal: identical on every case):",
            "",
            table(alarm_rows),
        ]
    )
    print(text)
    if args.md:
        Path(args.md).write_text(text + "\n")
    if args.json:
        report = {
            "alpha": alphas,
            "revision": tree.to_dict(),
            "regressions": {name: rows for name, rows in injected},
            "summary": regression_rows,
            "false_alarms": alarm_rows,
        }
        Path(args.json).write_text(json.dumps(report, indent=1, default=str) + "\n")
    return 0 if all(r["_met"] for r in regression_rows + alarm_rows) else 1


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
