"""Find the commit between GOOD and BAD that changed a case's training.

Run: ``python -m bench bisect GOOD BAD --select BENCHMARK/PROTOCOL/CASE`` (docs/changes.md#bisect)

First GOOD and BAD are trained on the case's nightly seeds: if they train the same bits there is nothing
to find. Then a binary search over the commits from GOOD to BAD (``git rev-list --ancestry-path``),
each step decided the cheapest sure way:

1. **bits** (``--quick-seeds``, default 2): on one machine a seed trains to the same bits every time,
   so a commit whose runs equal those of the nearest commit already judged good is good, and one whose
   runs equal the nearest bad commit's is bad. No statistics.
2. **paired test** (the nightly seeds), when its bits equal neither: a commit that moved training by less
   than the shift being chased (a refactor that moves the last bits). The case's most shifted gated
   metric (largest paired t between GOOD and BAD) decides: the commit is good when its paired
   difference from GOOD is not significant at ``--alpha``, bad when its difference from BAD is not, and
   otherwise on the side of the half-way mark of the shift it is on.

A commit that does not install or train is skipped (as ``git bisect skip``) and the next one tried. The
report names the commit, its subject and files, its paired figures against its parent, the steps and the
time. Exit 0 when a commit is named (or GOOD and BAD train the same), 1 when skips leave a range, 2 on
bad input.
"""

import json
import time
from pathlib import Path

import numpy as np

from bench.engine.records import CaseId
from bench.statistics import pairs
from bench.statistics.matrix import paired_test
from bench.tools import cli, revisions
from bench.tools.cli import UserError
from bench.tools.compare import Sides, add_side_options, open_side_store

QUICK_SEEDS = 2
ALPHA = 0.01


def parser():
    p = cli.parser("bisect", __doc__.splitlines()[0])
    p.add_argument("good", metavar="GOOD", help="a commit whose training is the old one (e.g. a night's commit)")
    p.add_argument("bad", metavar="BAD", help="a later commit whose training changed")
    cli.add(p, "select", "here one whole case, BENCHMARK/PROTOCOL/CASE (e.g. digits/holdout/step)", required=True)
    p.add_argument(
        "--quick-seeds",
        type=int,
        default=QUICK_SEEDS,
        metavar="K",
        help=f"seeds a step compares bit for bit before anything else (default: {QUICK_SEEDS})",
    )
    cli.add(p, "alpha", f"here: of each step's paired test (default: {ALPHA})", type=float, default=ALPHA)
    add_side_options(p, "commit")
    cli.add(p, "json", "(default: none)")
    return p


def commits_between(repo, good, bad):
    """The commits after ``good`` up to ``bad``, oldest first, on the paths from one to the other."""
    if revisions.git(repo, "merge-base", "--is-ancestor", good.commit, bad.commit, check=False) is None:
        raise UserError(f"GOOD {good.label} is not an ancestor of BAD {bad.label}: give GOOD first, then BAD")
    listed = revisions.git(repo, "rev-list", "--reverse", "--ancestry-path", f"{good.commit}..{bad.commit}")
    return [revisions.resolve(repo, c) for c in listed.split()]


class Search:
    """The bisection's state: what each measured commit said, and how."""

    def __init__(self, measurer, case, quick, alpha, say=print):
        self.measurer, self.case, self.quick, self.alpha, self.say = measurer, case, quick, alpha, say
        self.steps = []  # one dict per commit measured in the search

    def runs(self, revision, seeds=None):
        """``{seed: RunResult}`` of the case at ``revision`` (its first ``seeds`` nightly seeds); None when the
        revision does not train it (the probe failed, the case is not there, its session stopped)."""
        try:
            side = self.measurer.measure(revision, [str(self.case)], seeds)
        except UserError as err:
            self.say(f"{revision.label}: {err}")
            return None
        return side.runs.get(self.case)

    def decide(self, revision, good, bad, ends):
        """``("good" | "bad" | "skip", how)`` for ``revision``; ``good``/``bad``: the runs of the nearest judged
        commits; ``ends``: ``(GOOD's, BAD's)`` runs on the nightly seeds and the deciding metric."""
        quick = self.runs(revision, self.quick)
        if quick is None:
            return "skip", "does not train"
        if _same(quick, good):
            return "good", f"same bits as the nearest good commit on {len(quick)} seeds"
        if _same(quick, bad):
            return "bad", f"same bits as the nearest bad commit on {len(quick)} seeds"
        full = self.runs(revision)
        if full is None:
            return "skip", "does not train on the nightly seeds"
        (good_end, bad_end), metric = ends
        seeds = sorted(set(full) & set(good_end) & set(bad_end))
        mine = [full[s].metrics[metric] for s in seeds]
        d_good = np.subtract(mine, [good_end[s].metrics[metric] for s in seeds])
        d_bad = np.subtract(mine, [bad_end[s].metrics[metric] for s in seeds])
        shift = float(np.mean([bad_end[s].metrics[metric] - good_end[s].metrics[metric] for s in seeds]))
        p_good, p_bad = paired_test(d_good), paired_test(d_bad)
        moved = float(np.mean(d_good))
        figures = (
            f"{metric} moved {moved:+.4g} from GOOD (paired p {p_good:.2g}) against a shift of {shift:+.4g} "
            f"(from BAD: paired p {p_bad:.2g}), {len(seeds)} seeds"
        )
        if p_good >= self.alpha and p_bad < self.alpha:
            return "good", f"other bits, same training as GOOD: {figures}"
        if p_bad >= self.alpha and p_good < self.alpha:
            return "bad", f"other bits, same training as BAD: {figures}"
        verdict = "bad" if moved / shift > 0.5 else "good"
        return verdict, f"other bits; {'past' if verdict == 'bad' else 'short of'} half the shift: {figures}"


def _same(runs, judged):
    shared = [s for s in runs if s in judged]
    return bool(shared) and all(pairs.same_bits(runs[s], judged[s]) for s in shared)


def deciding_metric(good, bad):
    """The gated metric GOOD and BAD differ on most clearly (the largest paired |t|), and that difference."""
    seeds = sorted(set(good) & set(bad))
    best, best_t = None, -1.0
    for metric in pairs.gated(good[seeds[0]].metrics):
        d = np.array([bad[s].metrics[metric] - good[s].metrics[metric] for s in seeds])
        sd = d.std(ddof=1) if len(d) > 1 else 0.0
        t = np.inf if sd == 0 and np.any(d != 0) else 0.0 if sd == 0 else abs(d.mean()) / (sd / np.sqrt(len(d)))
        if t > best_t:
            best, best_t = metric, t
    return best


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        case = CaseId.parse(args.select)
    except ValueError:
        raise UserError(f"--select {args.select!r}: give one whole case, e.g. digits/holdout/step") from None
    if args.quick_seeds < 1:
        raise UserError(f"--quick-seeds must be >= 1. Received: {args.quick_seeds}")
    if not 0 < args.alpha < 1:
        raise UserError(f"--alpha must be between 0 and 1. Received: {args.alpha}")
    cli.not_there(args.json, "--json")
    start = time.perf_counter()
    repo = revisions.repository(".")
    good, bad = revisions.resolve(repo, args.good), revisions.resolve(repo, args.bad)
    commits = commits_between(repo, good, bad)
    if not commits:
        raise UserError(f"BAD {bad.label} is GOOD {good.label} or before it: nothing between them to search")
    measurer = Sides(repo, open_side_store(args.history, args.results), args.results, say=lambda *_: None)
    search = Search(measurer, case, args.quick_seeds, args.alpha)
    ends = [search.runs(good), search.runs(bad)]
    for name, runs, rev in (("GOOD", ends[0], good), ("BAD", ends[1], bad)):
        if runs is None:
            raise UserError(f"{name} {rev.label} does not train {case} here: choose a commit that does")
    whole = pairs.judge(case, ends[0], ends[1], args.alpha)
    print(f"bisect {case}: GOOD {good.label} -> BAD {bad.label}, {len(commits)} commits")
    if whole.status == "identical":
        print(f"GOOD and BAD train {case} to the same bits on {len(whole.seeds)} seeds: nothing changed to find.")
        return 0
    metric = deciding_metric(*ends)
    print(f"GOOD -> BAD: {whole.status}; deciding metric {metric}")
    found = bisect(search, commits, ends, metric)
    report = {
        "case": str(case),
        "good": good.to_dict(),
        "bad": bad.to_dict(),
        "commits": len(commits),
        "deciding_metric": metric,
        "steps": search.steps,
        "seconds": round(time.perf_counter() - start, 1),
        **found,
    }
    if found.get("commit"):
        culprit = found["commit"]
        parent = good if found["index"] == 0 else commits[found["index"] - 1]
        pair = pairs.judge(case, search.runs(parent), search.runs(commits[found["index"]]), args.alpha)
        report["pair"] = pair.to_dict()
        report["files"] = revisions.git(repo, "show", "--name-only", "--format=", culprit["commit"]).split()
        report["seconds"] = round(time.perf_counter() - start, 1)
    print(text(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str) + "\n")
    return 0 if found.get("commit") else 1


def bisect(search, commits, ends, metric):
    """The binary search: ``{"commit", "index"}`` of the first bad commit, or ``{"range"}`` when skipped
    commits leave more than one candidate."""
    lo, hi = -1, len(commits) - 1  # commits[lo] (GOOD when -1) is good, commits[hi] (BAD) is bad
    good_runs, bad_runs = ends
    skipped = set()
    while hi - lo > 1:
        candidates = [i for i in range(lo + 1, hi) if i not in skipped]
        if not candidates:
            return {"range": [c.to_dict() for c in commits[lo + 1 : hi + 1]]}
        mid = min(candidates, key=lambda i: (abs(i - (lo + hi) / 2), i))
        started = time.perf_counter()
        verdict, how = search.decide(commits[mid], good_runs, bad_runs, (ends, metric))
        search.steps.append(
            {
                "commit": commits[mid].commit,
                "subject": commits[mid].subject,
                "verdict": verdict,
                "how": how,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        search.say(f"step {len(search.steps)}: {commits[mid].commit[:10]} {verdict}: {how}")
        if verdict == "skip":
            skipped.add(mid)
        elif verdict == "good":
            lo, good_runs = mid, search.runs(commits[mid], search.quick)
        else:
            hi, bad_runs = mid, search.runs(commits[mid], search.quick)
    return {"commit": commits[hi].to_dict(), "index": hi}


def text(report):
    lines = [f"## python -m bench bisect {report['case']}", ""]
    for i, step in enumerate(report["steps"], 1):
        lines.append(
            f'{i}. {step["commit"][:10]} "{step["subject"]}": {step["verdict"]} '
            f"({step['how']}; {step['seconds']:.0f} s)"
        )
    if "range" in report:
        lines += ["", "Skipped commits leave a range: " + ", ".join(c["commit"][:10] for c in report["range"])]
        return "\n".join(lines)
    c = report["commit"]
    lines += [
        "",
        f'first commit that changed {report["case"]}: {c["commit"]} "{c["subject"]}"',
        f"files: {', '.join(report['files'])}",
        f"{len(report['steps'])} steps over {report['commits']} commits in {report['seconds']:.0f} s",
    ]
    pair = report["pair"]
    lines.append(
        f"against its parent: {pair['status']}"
        + (f", histories part at epoch {pair['parted_epoch']}" if pair["parted_epoch"] else "")
    )
    for d in pair["differences"]:
        lines.append(
            f"  {d['metric']} [{d['unit']}]: {d['base_mean']:.4f} -> {d['head_mean']:.4f}, paired difference "
            f"{d['mean']:+.4f} (95 % interval {d['low']:+.4f} .. {d['high']:+.4f}), p {d['p_value']:.2g}, "
            f"{d['n']} seeds"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
