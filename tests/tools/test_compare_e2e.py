"""``python -m bench compare`` and ``bisect`` on real git histories of this repository (copies of the checkout,
tests/tools/revision_history.py), training digits' cases: what docs/changes.md promises, end to end."""

import json
import math
import os
import subprocess
import sys

import pytest

from tests.tools import revision_history as history

CASES = ["digits/holdout/step", "digits/holdout/constant", "digits/holdout/exp"]


def bench(repo, *args):
    env = {**os.environ, "PYTHONPATH": str(repo), "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run([sys.executable, "-m", *args], cwd=repo, env=env, capture_output=True, text=True)


def compare(repo, tmp_path, name):
    out = tmp_path / f"{name}.json"
    selected = [a for case in CASES for a in ("--select", case)]
    done = bench(repo, "bench", "compare", "main", *selected, f"--results={tmp_path / 'results'}", f"--json={out}")
    return done, json.loads(out.read_text()) if out.exists() else None


@pytest.mark.e2e(minutes=3)  # digits' three cases at two revisions, 40 seeds of a baseline, then nothing trained
def test_a_branch_that_drops_step_one_epoch_early_fails_until_its_baseline_entry_is_updated(tmp_path):
    repo = tmp_path / "repo"
    history.copy_of_checkout(repo)
    history.step_one_epoch_early(repo)

    done, report = compare(repo, tmp_path, "changed")
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    status = {row["case"]: row["status"] for row in report["cases"]}
    assert status == {
        "digits/holdout/step": "changed",
        "digits/holdout/constant": "identical",
        "digits/holdout/exp": "identical",
    }
    step = next(row for row in report["cases"] if row["case"] == "digits/holdout/step")
    assert not step["declared"] and step["fails"]
    assert step["pair"]["parted_epoch"] == 1 and "lr" in step["pair"]["parted_on"]  # offset 2: epoch 1 already drops
    assert f"`{step['update']}`" in done.stdout  # the command that declares it, printed
    assert report["base"]["trained"] and report["head"]["trained"]

    command = step["update"].split()  # pytest -m slow --bench-case=... --update-baselines ...
    assert command[0] == "pytest"
    update = bench(repo, *command, "-p", "no:cacheprovider", f"--bench-results={tmp_path / 'update'}")
    assert update.returncode == 0, update.stdout[-2000:]
    done, report = compare(repo, tmp_path, "declared")
    assert done.returncode == 0, done.stdout[-3000:]
    step = next(row for row in report["cases"] if row["case"] == "digits/holdout/step")
    assert step["status"] == "changed" and step["declared"] and not step["fails"]
    assert "changed, baseline updated" in done.stdout
    assert report["base"]["trained"] == [] and report["head"]["trained"] == []  # both sides from the store

    subprocess.run(["git", "-C", str(repo), "checkout", "--", "."], check=True)  # back to main, then docs only
    history.docs_and_comments(repo, "a docs-only branch")
    done, report = compare(repo, tmp_path, "docs")
    assert done.returncode == 0, done.stdout[-3000:]
    assert {row["status"] for row in report["cases"]} == {"identical"}
    assert report["base"]["fingerprint"] == report["head"]["fingerprint"]
    assert report["base"]["trained"] == [] and report["head"]["trained"] == []  # nothing trained for it


@pytest.mark.e2e(minutes=3)  # digits' step at GOOD, BAD and a few of ten commits
def test_bisect_names_the_harmful_commit_of_ten_and_not_the_harmless_one(tmp_path):
    repo = tmp_path / "repo"
    good = history.copy_of_checkout(repo)
    hashes, harmful = history.ten_commits(repo)
    out = tmp_path / "bisect.json"
    done = bench(
        repo,
        "bench",
        "bisect",
        good,
        hashes[-1],
        "--select",
        "digits/holdout/step",
        f"--results={tmp_path / 'results'}",
        f"--json={out}",
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["commit"]["commit"] == hashes[harmful]
    assert len(report["steps"]) <= math.log2(10) + 2
    assert report["files"] == [history.DIGITS]
    assert report["pair"]["status"] in ("changed", "worse")
    harmless = [s for s in report["steps"] if s["commit"] == hashes[2]]  # judged good by the paired test if visited
    assert all(s["verdict"] == "good" for s in harmless)


@pytest.mark.e2e(minutes=2)  # digits' step: a side kept, one nightly, a compare that trains, one that does not
def test_speed_compare_times_compare_against_one_nightly_side_by_side(tmp_path):
    repo = tmp_path / "repo"
    history.copy_of_checkout(repo)
    done = bench(repo, "bench.dev", "speed", "compare", "--select", "digits/holdout/step")
    out = done.stdout
    assert done.returncode in (0, 1), out + done.stderr[-3000:]  # 1: over the 1.2x goal, on one small case
    for line in ("setup: HEAD's side kept: ", "one CPU nightly (pytest -m slow): ", "compare HEAD: "):
        assert line in out, out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("compare with the base side stored, HEAD's side trained: ")
    nightly = float(summary.split("one CPU nightly (")[1].split(" s")[0])
    docs_only = float(summary.split("a docs-only branch: ")[1].split(" s")[0])
    assert docs_only < nightly  # nothing trains for a docs-only branch
    assert (done.returncode == 0) == (float(summary.split(" = ")[1].split("x")[0]) <= 1.2)
