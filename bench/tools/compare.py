"""Judge a change: train the cases at two revisions on the same seeds and compare them seed for seed.

Run: ``python -m bench compare BASE [HEAD] [--select BENCHMARK[/PROTOCOL[/CASE]] ...]`` (docs/changes.md)

Each revision trains with its own code and is judged with its own baselines, in this environment on this
machine: the working tree in place (HEAD's default, uncommitted changes included), a commit in a git
worktree made for the call. Per case (``bench/statistics/pairs.py``): ``identical`` bit for bit,
``changed`` (each gated metric's paired differences, the first epoch the histories part) or ``worse``
(the headline metric, paired and one-sided, at the nightly's 1 % over the cases compared), and HEAD's own gates against
HEAD's baselines; ``new`` and ``removed`` for a case at one revision only. A change the branch means
to make is declared by updating the case's baseline entry with the command ``compare`` prints: it is
then ``changed, baseline updated`` and does not fail.

A revision's runs are kept in the history store (``--history``) under its code's fingerprint, this
machine and the options (``bench/stores/sides.py``): a side already measured here is not trained again,
and two revisions whose code differs only in comments, docstrings and docs share their runs.

Exit status: 0 when nothing changed that was not declared, 1 otherwise (an undeclared change, a case
that did not train, a changed or new case failing HEAD's gates), 2 on bad input (an unknown revision,
a revision without the suite, a report file that exists).
"""

import datetime
import json
import os
import time
from pathlib import Path

from bench.engine.records import CaseId, machine
from bench.report import changes as render
from bench.statistics import gates, pairs, verdicts
from bench.stores import baselines, history_store, results, sides
from bench.tools import cli, revisions
from bench.tools.cli import UserError

ENGINE_OPTIONS = {"engine": "auto", "xla": False, "mixed_precision": False}  # what compare trains with
DATA_VARIABLES = ("LR_SUITE_CIFAR10", "LR_SUITE_FASHION_MNIST")  # where the GPU benchmarks' data is (docs/nightlies.md)


def parser():
    p = cli.parser("compare", __doc__.splitlines()[0])
    p.add_argument("base", metavar="BASE", help="the revision to compare against: a commit, branch or tag (e.g. main)")
    p.add_argument(
        "head",
        metavar="HEAD",
        nargs="?",
        default=None,
        help="the revision judged (default: the working tree, uncommitted changes included)",
    )
    add_selection_option(p, "compare only these (default: every case that trains on this machine)")
    cli.add(p, "seeds", "here: per case, at both revisions (default: each benchmark's nightly number)", type=int)
    cli.add(p, "first-seed", "(default: 0, the nightly's)", type=int, default=0)
    add_side_options(p, "revision")
    cli.add(p, "md", "(default: none; the table is printed either way)")
    cli.add(p, "json", "(default: none)")
    return p


def add_selection_option(p, more):
    """``--select``, repeatable, as pytest's ``--bench-case`` selects (``dest``: ``selections``)."""
    cli.add(p, "select", more, dest="selections", action="append", default=[])


def add_side_options(p, whose):
    """``--results`` (where each ``whose`` session writes) and ``--history`` (the store its runs are kept in)."""
    cli.add(p, "results", f"where each {whose}'s sessions write (default: results/)", default="results")
    cli.add(
        p,
        "history",
        f"keeps each {whose}'s runs, so nothing is trained twice (default: sqlite:///<--results>/history.sqlite; "
        "off: keep nothing)",
        default=None,
    )


def check_selections(selections):
    for text in selections:
        parts = text.split(CaseId.SEPARATOR)
        if not all(parts) or len(parts) > 3:
            raise UserError(f"--select {text!r} is not BENCHMARK, BENCHMARK/PROTOCOL or BENCHMARK/PROTOCOL/CASE")


def open_side_store(url, results_root):
    """The history store the sides are kept in (None for ``off``); ``UserError`` when it cannot be opened."""
    if url == "off":
        return None
    try:
        return history_store.open_store(url or history_store.default_url(results_root))
    except history_store.HistoryError as err:
        raise UserError(str(err)) from None


class Sides:
    """Measures revisions: each one's runs from the store where its key is there, trained (and kept) where not."""

    def __init__(self, repo, store, results_root, seeds=None, first_seed=0, extra=(), options=None, say=print):
        self.repo = Path(repo)
        self.store = store
        self.results_root = Path(results_root).absolute()  # the sessions run in other folders
        self.seeds, self.first_seed, self.extra = seeds, first_seed, tuple(extra)
        self.options = {
            **ENGINE_OPTIONS,
            "first_seed": first_seed,
            "injected": None,
            "data": {name: os.environ.get(name) for name in DATA_VARIABLES},  # what the revision finds to train
            **(options or {}),
        }
        self.machine = machine()
        self.memory = {}  # key digest -> {CaseId: {seed: record}}: reuse within one call when nothing is stored
        self.probes = {}  # key digest -> {CaseId: [seeds]}
        self.say = say

    def measure(self, revision, selections, seeds=None):
        """A ``Side``: ``revision``'s cases (``selections`` of what it trains here) with their runs on their
        nightly seeds (the first ``seeds`` of them when given, else the first ``self.seeds``), and what was
        trained for it. The revision is checked out only to be asked what it trains, or to train."""
        fingerprint = revisions.fingerprint(self.repo, revision)
        key = sides.key(fingerprint, self.machine, self.options)
        side = Side(revision, fingerprint, key)
        found = self._probed(key, revision)
        n = seeds or self.seeds
        side.wanted = {
            c: list(range(self.first_seed, self.first_seed + (n or len(s))))
            for c, s in found.items()
            if c.selected_by(selections)
        }
        stored = self._stored(key, side.wanted)
        todo = [c for c, seeds in side.wanted.items() if set(seeds) - set(stored.get(c, {}))]
        side.reused = [c for c in side.wanted if c not in todo]
        side.runs = {c: revisions.as_runs(stored[c].values()).get(c, {}) for c in side.reused}
        side.baselines = revisions.baselines_dir(self.repo, revision, self.results_root / "compare")
        if not todo:
            self.say(f"{revision.label}: nothing to train ({len(side.reused)} case(s) stored)")
            return side
        self.say(f"{revision.label}: training {len(todo)} case(s) ({_names(todo)})")
        folder = self.results_root / "compare" / f"{_stamp()}-{revision.commit[:10]}"
        with revisions.checkout(self.repo, revision) as root:
            got = revisions.train(root, todo, folder, n, self.first_seed, self.extra)
        side.trained, side.seconds = list(todo), got.seconds
        kept = []
        for case in todo:
            runs = {s: r for s, r in got.runs.get(case, {}).items() if s in side.wanted[case]}
            if set(runs) != set(side.wanted[case]):
                side.failed[case] = got.tail or f"pytest exited {got.status}"
                continue
            side.runs[case] = runs
            kept.extend(results.run_record(r) for r in runs.values())
        self._keep(key, revision, kept, got.folder, found)
        return side

    def _probed(self, key, revision):
        """What the revision trains here: as kept with its runs (same code, machine and options), else asked."""
        known = self.probes.get(sides.digest(key))
        if known is None and self.store is not None:
            known = sides.cases(self.store, key)
        if known is None:
            with revisions.checkout(self.repo, revision) as root:
                known = revisions.probe(root, revision.label, first_seed=self.first_seed)
        self.probes[sides.digest(key)] = known
        return known

    def _stored(self, key, wanted):
        digest = sides.digest(key)
        if self.store is not None:
            return sides.find(self.store, key, wanted)
        return {
            c: {s: r for s, r in runs.items() if s in wanted.get(c, ())}
            for c, runs in self.memory.get(digest, {}).items()
        }

    def _keep(self, key, revision, records, folder, probed):
        if not records:
            return
        if self.store is not None:
            sides.keep(self.store, key, revision.commit, revision.dirty, records, self.machine, folder, probed)
        memory = self.memory.setdefault(sides.digest(key), {})
        for record in records:
            memory.setdefault(CaseId(record["benchmark"], record["protocol"], record["case"]), {})[record["seed"]] = (
                record
            )


class Side:
    """One revision's part of a comparison."""

    def __init__(self, revision, fingerprint, key):
        self.revision, self.fingerprint, self.key = revision, fingerprint, key
        self.wanted = {}  # {CaseId: [seeds]}
        self.runs = {}  # {CaseId: {seed: RunResult}}
        self.reused, self.trained = [], []
        self.failed = {}  # {CaseId: why}: asked for, did not train
        self.seconds = 0.0
        self.baselines = None

    def entries(self, case):
        """``(the case's baseline entries, the seeds they were measured on)`` at this revision."""
        try:
            doc = baselines.load(case.benchmark, self.baselines)
            entries = baselines.case_entries(doc, case.protocol, case.case, self.baselines, missing_ok=True)
        except baselines.BaselineError:
            return {}, []
        return entries or {}, baselines.seeds_of(doc, case.protocol, case.case)

    def to_dict(self):
        return {
            **self.revision.to_dict(),
            "fingerprint": self.fingerprint,
            "trained": [str(c) for c in self.trained],
            "reused": [str(c) for c in self.reused],
            "train_seconds": round(self.seconds, 1),
        }


def _names(cases):
    shown = ", ".join(str(c) for c in cases[:4])
    return shown + (f" and {len(cases) - 4} more" if len(cases) > 4 else "")


def _stamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")


def judge(base, head):
    """The comparison of two ``Side``s: one row per case (dicts, as ``render`` and the JSON take them) and the
    alphas: ``worse`` (the nightly's 1 % over the cases both revisions trained) and ``gates`` (HEAD's gates,
    as a nightly of these cases judges them: 1 % over their gated tests)."""
    cases = list(head.wanted) + [c for c in base.wanted if c not in head.wanted]
    tests = sum(len(gates.gated_metrics(head.entries(c)[0])) for c in head.wanted)
    alphas = {"worse": pairs.worse_alpha(sum(c in base.wanted for c in head.wanted)), "gates": gates.alpha_for(tests)}
    return [_row(case, base, head, alphas) for case in cases], alphas


def _row(case, base, head, alphas):
    row = {"case": str(case), "declared": False, "pair": None, "gates": [], "why": None, "fails": False}
    head_entries, head_seeds = head.entries(case)
    base_entries, _ = base.entries(case)
    row["declared"] = case in head.wanted and _entries_text(head_entries) != _entries_text(base_entries)
    missing = next(((side, side.failed[case]) for side in (base, head) if case in side.failed), None)
    if missing:
        row.update(status="did not train", why=f"at {missing[0].revision.label}: {missing[1]}", fails=True)
        return row
    if case not in base.wanted:
        row["status"] = "new"
    elif case not in head.wanted:
        row.update(status="removed", how="")
        return row
    else:
        pair = pairs.judge(case, base.runs[case], head.runs[case], alphas["worse"])
        row["status"], row["pair"] = pair.status, pair.to_dict()
    runs = [head.runs[case][s] for s in sorted(head.runs[case])]
    judged = verdicts.judge_case(case, runs, head_entries, alphas["gates"], head_seeds)
    row["gates"] = [v.to_dict() for v in judged]
    gate_failed = any(v.verdict in ("FAIL", "CHANGED") for v in judged)
    unjudged = not any(v.gated for v in judged)
    row["how"] = _how(case, base, head)
    if row["status"] in ("changed", "worse"):
        row["fails"] = not row["declared"] or gate_failed
    elif row["status"] == "new":
        row["fails"] = gate_failed or unjudged
    row["update"] = baselines.update_command(*case)
    return row


def _entries_text(entries):
    return json.dumps(entries, sort_keys=True)


def _how(case, base, head):
    if base.fingerprint == head.fingerprint:
        return "same code"
    return "/".join("stored" if case in side.reused else "trained" for side in (base, head))


def main(argv=None):
    args = parser().parse_args(argv)
    check_selections(args.selections)
    if args.seeds is not None and args.seeds < 2:
        raise UserError(f"--seeds must be >= 2: the paired test needs two seeds. Received: {args.seeds}")
    cli.not_there(args.md, "--md")
    cli.not_there(args.json, "--json")
    start = time.perf_counter()
    repo = revisions.repository(".")
    base_rev = revisions.resolve(repo, args.base)
    head_rev = revisions.resolve(repo, args.head)
    store = open_side_store(args.history, args.results)
    measurer = Sides(repo, store, args.results, args.seeds, args.first_seed)
    base = measurer.measure(base_rev, args.selections)
    head = measurer.measure(head_rev, args.selections)
    rows, alphas = judge(base, head)
    report = {
        "base": base.to_dict(),
        "head": head.to_dict(),
        "machine": measurer.machine,
        "alpha": alphas,
        "cases": rows,
        "wall_seconds": round(time.perf_counter() - start, 1),
        "exit": 1 if any(r["fails"] for r in rows) else 0,
    }
    text = render.markdown(report)
    print(text)
    if args.md:
        Path(args.md).write_text(text + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str) + "\n")
    return report["exit"]


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
