"""bench/plugin.py end to end, through pytest itself, with a fake benchmark that trains nothing."""

import json

import pytest

pytest_plugins = ["pytester"]

FAKE_TEST = '''
import os
import pytest
from bench.benchmarks import Benchmark, ScheduleCase
from bench.engine.records import RunResult

SCHEDULES = os.environ.get("FAKE_SCHEDULES", "s").split(",")


def train(schedule, seed, protocol, on_epoch=None, options=None):
    if os.environ.get("FAKE_INTERRUPT_AT") == str(seed):
        raise KeyboardInterrupt
    acc = float(os.environ.get("FAKE_ACC", "0.90")) + 0.002 * seed
    for epoch in range(2):
        on_epoch(epoch, {"lr": 0.1, "train_loss": 0.5, "val_accuracy": acc})
    metrics = {"final_val_accuracy": acc, "best_val_accuracy": acc, "epochs_to_target": 2.0,
               "final_train_loss": 0.3, "final_val_loss": 0.4}
    env = {"device": "test", "gpu": os.environ.get("CUDA_VISIBLE_DEVICES")}
    history = {"lr": [0.1, 0.05], "train_loss": [0.6, 0.5], "val_loss": [0.7, 0.4], "val_accuracy": [0.8, acc]}
    return RunResult("fake", protocol, schedule, seed, metrics, history, 0.01, 0.6, env)


FAKE = Benchmark(name="fake", source="a test", schedules={s: ScheduleCase("constant", {"lr": 0.1}) for s in SCHEDULES},
                 protocols=("p",), metric="final_val_accuracy", config={"epochs": 2}, requires=(), train=train)


@pytest.mark.slow
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_fake_case(bench_session, schedule):
    runs, verdicts = bench_session.run_case(FAKE, "p", schedule)
    failures = bench_session.failures(verdicts)
    if failures:
        pytest.fail("\\n".join(v.failure_message() for v in failures), pytrace=False)
'''


@pytest.fixture
def suite(pytester, tmp_path):
    pytester.makeini("[pytest]\nmarkers =\n    slow: trains\n")
    pytester.makepyfile(test_fake=FAKE_TEST)
    dirs = {"baselines": tmp_path / "baselines", "results": tmp_path / "results"}

    def run(*args, subprocess=False):
        runner = pytester.runpytest_subprocess if subprocess else pytester.runpytest
        return runner("-p", "bench.harness.plugin", "-m", "slow", "--bench-seeds=3",
                                  f"--bench-baselines={dirs['baselines']}", f"--bench-results={dirs['results']}",
                                  *args)
    run.dirs = dirs
    return run


def _sessions(dirs):
    return set(dirs["results"].iterdir()) if dirs["results"].exists() else set()


def _results(session_dir):
    return [json.loads(line) for line in (session_dir / "results.jsonl").read_text().splitlines()]


def test_missing_baseline_fails_and_names_the_file(suite):
    result = suite()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*No baseline file *fake.json for benchmark 'fake'*--update-baselines*"])
    assert not suite.dirs["baselines"].exists()  # never created silently


def test_update_then_pass_then_fail_with_a_useful_message(suite, monkeypatch):
    created = suite("--update-baselines")
    created.assert_outcomes(passed=1)
    created.stdout.fnmatch_lines(["*baseline update (review this before committing)*",
                                  "*fake*p*s*final_val_accuracy*-*0.902*new*", "wrote *fake.json"])
    doc = json.loads((suite.dirs["baselines"] / "fake.json").read_text())
    entry = doc["cases"]["p"]["s"]["final_val_accuracy"]
    assert entry["n"] == 3 and entry["mean"] == pytest.approx(0.902)
    assert entry["provenance"]["command"].startswith("pytest -p bench.harness.plugin -m slow --bench-seeds=3")
    assert "--update-baselines" in entry["provenance"]["command"] and entry["provenance"]["device"]

    again = suite()
    again.assert_outcomes(passed=1)
    again.stdout.fnmatch_lines(["*learning-rate schedule benchmarks*",
                                "*fake*p*s*final_val_accuracy [[]fraction[]]*>= 0.8920 (mean 0.9020)*0.9020 +- 0.0020 (3)*pass*",
                                "*majority class scores 0.600*"])

    monkeypatch.setenv("FAKE_ACC", "0.80")
    regressed = suite()
    regressed.assert_outcomes(failed=1)
    regressed.stdout.fnmatch_lines([
        "*fake / p / s: final_val_accuracy mean 0.8020*below the threshold 0.8920 by 0.0900*"
        "--update-baselines*"])
    assert json.loads((suite.dirs["baselines"] / "fake.json").read_text()) == doc  # untouched


def test_every_seed_is_written_as_it_finishes(suite, monkeypatch):
    suite("--update-baselines")
    before = _sessions(suite.dirs)
    monkeypatch.setenv("FAKE_INTERRUPT_AT", "2")  # Ctrl-C during the third seed
    interrupted = suite(subprocess=True)  # in-process, the interrupt would stop this session too
    assert interrupted.ret == pytest.ExitCode.INTERRUPTED
    (session_dir,) = _sessions(suite.dirs) - before  # the folder this run created
    records = _results(session_dir)
    assert [(r["kind"], r.get("seed")) for r in records] == [("run", 0), ("run", 1)]


def test_results_of_a_whole_case(suite):
    suite("--update-baselines")
    (session_dir,) = _sessions(suite.dirs)
    records = _results(session_dir)
    assert [r["kind"] for r in records] == ["run", "run", "run", "summary"]
    assert records[-1]["summaries"]["final_val_accuracy"]["n"] == 3


def test_reports_are_written_and_never_overwritten(suite, tmp_path):
    md, js = tmp_path / "report.md", tmp_path / "report.json"
    suite("--update-baselines", f"--bench-report-md={md}", f"--bench-report-json={js}").assert_outcomes(passed=1)
    assert "| fake " in md.read_text()
    assert json.loads(js.read_text())["verdicts"][0]["benchmark"] == "fake"
    again = suite(f"--bench-report-md={md}")
    again.stderr.fnmatch_lines(["*--bench-report-md=*report.md exists; this suite never overwrites a report*"])


def test_bad_seed_count_is_a_usage_error(suite):
    suite("--bench-seeds=0").stderr.fnmatch_lines(["*--bench-seeds must be >= 1. Received: --bench-seeds=0*"])


def test_malformed_baseline_is_not_regenerated(suite):
    suite.dirs["baselines"].mkdir(parents=True)
    (suite.dirs["baselines"] / "fake.json").write_text("{oops")
    result = suite("--update-baselines")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Baseline file *fake.json is not valid JSON*"])
    assert (suite.dirs["baselines"] / "fake.json").read_text() == "{oops"


def test_confirm_records_where_a_baseline_holds(suite, monkeypatch):
    suite("--update-baselines")
    path = suite.dirs["baselines"] / "fake.json"
    before = json.loads(path.read_text())["cases"]["p"]["s"]["final_val_accuracy"]["holds_for"]
    assert len(before) == 1  # the environment it was measured in
    monkeypatch.setenv("FAKE_ACC", "0.8935")  # within noise: passes the gates
    confirmed = suite("--bench-confirm-baselines")
    confirmed.assert_outcomes(passed=1)
    confirmed.stdout.fnmatch_lines(["*fake.json: 1 case(s) hold for *"])
    entry = json.loads(path.read_text())["cases"]["p"]["s"]["final_val_accuracy"]
    assert entry["holds_for"] == before and entry["mean"] == pytest.approx(0.902)  # same env: listed once

    monkeypatch.setenv("FAKE_ACC", "0.80")
    refused = suite("--bench-confirm-baselines")
    refused.assert_outcomes(failed=1)
    refused.stdout.fnmatch_lines(["*fake/p/s differs beyond noise on *not confirmed*own baseline*"])


def test_update_and_confirm_together_is_a_usage_error(suite):
    suite("--update-baselines", "--bench-confirm-baselines").stderr.fnmatch_lines(
        ["*use one at a time*"])


def test_xdist_workers_merge_into_one_table_and_one_results_file(suite, monkeypatch):
    pytest.importorskip("xdist")
    monkeypatch.setenv("FAKE_SCHEDULES", "a,b,c,d")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    result = suite("-n", "2", "--update-baselines", subprocess=True)
    result.assert_outcomes(passed=4)
    # one table, rows in a fixed order whichever worker finished first
    result.stdout.fnmatch_lines(["*fake*p*a*final_val_accuracy*new*", "*fake*p*b*final_val_accuracy*new*",
                                 "*fake*p*c*final_val_accuracy*new*", "*fake*p*d*final_val_accuracy*new*",
                                 "wrote *fake.json"])
    (session_dir,) = _sessions(suite.dirs)
    records = _results(session_dir)
    assert sorted(r["schedule"] for r in records if r["kind"] == "summary") == ["a", "b", "c", "d"]
    assert {r["environment"]["gpu"] for r in records if r["kind"] == "run"} == {"0", "1"}  # one GPU per worker
    doc = json.loads((suite.dirs["baselines"] / "fake.json").read_text())
    assert sorted(doc["cases"]["p"]) == ["a", "b", "c", "d"]


def test_report_folder_from_a_run(suite, tmp_path):
    folder = tmp_path / "report"
    result = suite("--update-baselines", f"--bench-report-dir={folder}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"HTML report: {folder / 'index.html'}"])
    assert sorted(p.name for p in (folder / "plots").iterdir()) == ["fake-p-s-lr.png", "fake-p-s-training.png"]
    assert "fake / p / s" in (folder / "index.html").read_text()
    again = suite(f"--bench-report-dir={folder}")
    again.stderr.fnmatch_lines(["*--bench-report-dir=*report exists; this suite never overwrites a report*"])


def _controller(results_dir):
    from bench.harness.plugin import BenchSession

    session = BenchSession.__new__(BenchSession)  # merge_worker_results needs only the folder
    session.results_dir = results_dir
    return session


def test_controller_merges_worker_files_in_worker_order(tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    for worker in (10, 2, 0):  # numeric order, not text order: gw2 before gw10
        (folder / f"results-gw{worker}.jsonl").write_text(f'{{"worker": {worker}}}\n')
    _controller(folder).merge_worker_results()
    lines = (folder / "results.jsonl").read_text().splitlines()
    assert [json.loads(line)["worker"] for line in lines] == [0, 2, 10]


def test_controller_removes_its_reserved_folder_when_no_worker_trained(tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    controller = _controller(folder)
    controller.merge_worker_results()
    assert not folder.exists() and controller.results_dir is None
