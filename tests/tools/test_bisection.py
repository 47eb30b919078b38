"""bench/tools/bisection.py (python -m bench bisect): its search on a stand-in for training: which commits it
measures, how it skips one that does not train, and the metric it decides on."""

import pytest

from bench.engine.records import RunResult
from bench.tools import bisection as bisect
from bench.tools.revisions import Revision


class Search(bisect.Search):
    """``decide`` from a list of verdicts by commit index instead of training."""

    def __init__(self, verdicts):
        super().__init__(measurer=None, case=None, quick=2, alpha=0.01, say=lambda *_: None)
        self.verdicts = verdicts
        self.asked = []

    def decide(self, revision, good, bad, ends):
        i = int(revision.given)
        self.asked.append(i)
        return self.verdicts[i], "stand-in"

    def runs(self, revision, seeds=None):
        return {}


def commits(n):
    return [Revision(str(i), f"{i:040d}", f"commit {i}") for i in range(n)]


@pytest.mark.parametrize("first_bad", range(10))
def test_ten_commits_take_at_most_four_steps_to_the_first_bad_one(first_bad):
    verdicts = ["good" if i < first_bad else "bad" for i in range(10)]
    search = Search(verdicts)
    found = bisect.bisect(search, commits(10), ({}, {}), "mean_train_loss")
    assert found["index"] == first_bad and found["commit"]["given"] == str(first_bad)
    assert len(search.steps) <= 4  # ceil(log2(10)): commit 9 is BAD, already known bad
    assert len(set(search.asked)) == len(search.asked)  # no commit measured twice


def test_a_commit_that_does_not_train_is_skipped_and_its_neighbour_tried():
    verdicts = ["good", "good", "good", "bad", "skip", "bad", "bad", "bad", "bad", "bad"]
    search = Search(verdicts)
    found = bisect.bisect(search, commits(10), ({}, {}), "m")
    assert found["index"] == 3
    assert search.asked[:2] == [4, 3] and 4 not in search.asked[1:]  # the middle first, skipped, then its neighbour
    assert [s["verdict"] for s in search.steps].count("skip") == 1


def test_skips_that_hide_the_first_bad_commit_leave_a_range():
    verdicts = ["good", "good", "skip", "skip", "bad"]
    found = bisect.bisect(Search(verdicts), commits(5), ({}, {}), "m")
    assert [c["given"] for c in found["range"]] == ["2", "3", "4"]
    # a skipped commit just before the first bad one: either may be it, as git bisect says
    found = bisect.bisect(Search(["good"] * 4 + ["skip"] + ["bad"] * 5), commits(10), ({}, {}), "m")
    assert [c["given"] for c in found["range"]] == ["4", "5"]


def run(seed, **metrics):
    return RunResult("d", "p", "c", seed, metrics, {}, 1.0, 0.1, {})


def test_the_deciding_metric_is_the_one_good_and_bad_differ_on_most_clearly():
    good = {s: run(s, final_val_accuracy=0.9, final_train_loss=0.1 + s / 100, mean_train_loss=0.3) for s in range(4)}
    bad = {
        s: run(
            s,
            final_val_accuracy=0.9 - (0.02 if s % 2 else 0.0),
            final_train_loss=0.1 + s / 100 + 0.05,
            mean_train_loss=0.3 + 0.01 * s,
        )
        for s in range(4)
    }
    # final_train_loss moves +0.05 on every seed (no spread: t infinite); accuracy and mean loss vary by seed
    assert bisect.deciding_metric(good, bad) == "final_train_loss"
