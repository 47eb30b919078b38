"""bench/harness/plugin.py end to end, through pytest itself, with a fake benchmark that trains nothing."""

import json
import re

import pytest

from bench.stores import history_store, results

pytest_plugins = ["pytester"]

FAKE_TEST = """
import os
import pytest
from bench.benchmarks import Benchmark, Case
from bench.engine.records import RunResult

CASES = os.environ.get("FAKE_CASES", "s").split(",")


def train(case, seed, protocol, on_epoch=None, options=None):
    if os.environ.get("FAKE_LOG"):
        with open(os.environ["FAKE_LOG"], "a") as log:
            log.write(f"{case} {seed}\\n")
    if os.environ.get("FAKE_INTERRUPT_AT") == f"{case} {seed}" or os.environ.get("FAKE_INTERRUPT_AT") == str(seed):
        raise KeyboardInterrupt
    acc = float(os.environ.get("FAKE_ACC", "0.90")) + 0.002 * (seed % 3)
    for epoch in range(2):
        on_epoch(epoch, {"lr": 0.1, "train_loss": 0.5, "val_accuracy": acc})
    metrics = {"final_val_accuracy": acc, "best_val_accuracy": acc, "epochs_to_target": 2.0,
               "final_train_loss": 0.3, "final_val_loss": 0.4}
    env = {"device": "test", "gpu": os.environ.get("CUDA_VISIBLE_DEVICES")}
    if os.environ.get("FAKE_ENGINE"):
        env["engine"] = os.environ["FAKE_ENGINE"]
    history = {"lr": [0.1, 0.05], "train_loss": [0.6, 0.5], "val_loss": [0.7, 0.4], "val_accuracy": [0.8, acc]}
    return RunResult("fake", protocol, case, seed, metrics, history, 0.01, 0.6, env)


FAKE = Benchmark(name="fake", source="a test", cases={s: Case("constant", {"lr": 0.1}) for s in CASES},
                 protocols=("p",), metric="final_val_accuracy", config={"epochs": 2}, requires=(), trainer=train,
                 seeds=3)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_fake_case(bench_session, case, request):
    timer = request.getfixturevalue("benchmark")  # pytest-benchmark's fixture
    runs, verdicts = timer.pedantic(bench_session.run_case, args=(FAKE, "p", case), rounds=1, iterations=1)
    timer.extra_info.update({f"{v.metric}_mean": v.measured["mean"] for v in verdicts})
    failures = bench_session.failures(verdicts)
    if failures:
        pytest.fail("\\n".join(v.failure_message() for v in failures), pytrace=False)
"""


@pytest.fixture(scope="module", autouse=True)
def _tensorflow_first():
    """Import what inner runs may import before any ``pytester`` fixture exists: pytester removes the
    modules imported during a test when it ends, and TensorFlow cannot be imported twice in one process."""
    try:
        import tensorflow  # noqa: F401
        from tensorflow.core.framework import summary_pb2  # noqa: F401
    except ImportError:
        return
    import schedules.backend  # noqa: F401  (Keras, which the benchmarks import only when they train)
    from bench import benchmarks
    from bench.report import tensorboard  # noqa: F401

    benchmarks.all_benchmarks()


@pytest.fixture
def suite(pytester, tmp_path):
    pytester.makeini("[pytest]\nmarkers =\n    slow: trains\n")
    pytester.makepyfile(test_fake=FAKE_TEST)
    dirs = {"baselines": tmp_path / "baselines", "results": tmp_path / "results"}

    def run(*args, subprocess=False):
        runner = pytester.runpytest_subprocess if subprocess else pytester.runpytest
        return runner(
            "-p",
            "bench.harness.plugin",
            "-p",
            "no:hypothesispytest",
            "-m",
            "slow",
            f"--bench-baselines={dirs['baselines']}",
            f"--bench-results={dirs['results']}",
            *args,
        )

    def baselined():
        """A baseline for the fake case, as ``--update-baselines --bench-seeds=20`` writes it (seeds 0..19):
        measured by the first test that asks, then copied (the fake trains the same numbers every time)."""
        if "fake.json" not in _MEASURED:
            run("--update-baselines", "--bench-seeds=20").assert_outcomes(passed=1)
            _MEASURED["fake.json"] = (dirs["baselines"] / "fake.json").read_text()
        else:
            dirs["baselines"].mkdir(parents=True, exist_ok=True)
            (dirs["baselines"] / "fake.json").write_text(_MEASURED["fake.json"])

    run.dirs = dirs
    run.baselined = baselined
    return run


_MEASURED = {}  # the fake's baseline file, measured once per test session (suite.baselined)


def _sessions(dirs):
    """The session folders under the results folder (beside them: the history store's SQLite file)."""
    return {p for p in dirs["results"].iterdir() if p.is_dir()} if dirs["results"].exists() else set()


def _results(session_dir):
    """The records of a session folder, read by the results store (a line a kill cut short skipped)."""
    return list(results.records(session_dir))


def test_missing_baseline_fails_and_names_the_file(suite):
    result = suite()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*No baseline file *fake.json for benchmark 'fake'*--update-baselines*"])
    assert not suite.dirs["baselines"].exists()  # never created silently


def test_update_then_pass_then_fail_with_a_useful_message(suite, monkeypatch):
    created = suite("--update-baselines", "--bench-first-seed=1000")
    created.assert_outcomes(passed=1)
    created.stdout.fnmatch_lines(
        [
            "*baseline update (review this before committing)*",
            "*fake*p*s*final_val_accuracy*-*40*0.902*new*",
            "wrote *fake.json",
        ]
    )
    doc = json.loads((suite.dirs["baselines"] / "fake.json").read_text())
    entry = doc["cases"]["p"]["s"]["final_val_accuracy"]
    # seeds 1000..1039: 1000 % 3 = 1, so 14 at 0.902, 13 at 0.904, 13 at 0.900; mean 36.08 / 40 = 0.902
    assert entry["n"] == 40 and entry["mean"] == pytest.approx(0.902) and len(entry["values"]) == 40
    assert entry["provenance"]["seeds"] == list(range(1000, 1040))
    assert entry["provenance"]["command"].startswith("pytest -p bench.harness.plugin -p no:hypothesispytest -m slow")
    assert "--update-baselines" in entry["provenance"]["command"] and entry["provenance"]["device"]

    again = suite()
    again.assert_outcomes(passed=1)
    again.stdout.fnmatch_lines(
        [
            "*learning-rate schedule benchmarks*",
            "*fake*p*s*final_val_accuracy [[]fraction[]]*>= 0.8970 (mean 0.9020)*0.9020 +- 0.0020 (3)*pass*",
            "*majority class scores 0.600*",
            "gates: worse*alpha 0.005 = 1 % / the session's gated*",
        ]
    )
    # T = 2: the fake case's gated metrics are final_val_accuracy (worse) and final_train_loss (changed)
    assert "overlap" not in again.stdout.str()  # seeds 0..2 are not the baseline's 1000..1039
    again.stdout.fnmatch_lines(
        ["*fake/p/s seed 2 (3 of 3) epoch 2/2: lr 0.1, loss 0.5000, val_accuracy 0.9040, case ETA 0 s"]
    )

    monkeypatch.setenv("FAKE_ACC", "0.80")
    regressed = suite()
    regressed.assert_outcomes(failed=1)
    regressed.stdout.fnmatch_lines(
        ["*fake/p/s: WORSE: final_val_accuracy mean 0.8020*is below 0.8970*--update-baselines*"]
    )
    assert json.loads((suite.dirs["baselines"] / "fake.json").read_text()) == doc  # untouched


@pytest.mark.e2e  # a pytest session in a subprocess: about 1 s
def test_every_seed_is_written_as_it_finishes(suite, monkeypatch):
    suite("--update-baselines", "--bench-seeds=20")
    before = _sessions(suite.dirs)
    monkeypatch.setenv("FAKE_INTERRUPT_AT", "2")  # Ctrl-C during the third seed
    interrupted = suite(subprocess=True)  # in-process, the interrupt would stop this session too
    assert interrupted.ret == pytest.ExitCode.INTERRUPTED
    (session_dir,) = _sessions(suite.dirs) - before  # the folder this run created
    records = _results(session_dir)
    assert [(r["kind"], r.get("seed")) for r in records] == [("run", 0), ("run", 1)]


def _verdicts(session_dir):
    """Each case's last summary (a resumed session writes a case's summary again): its verdicts."""
    last = {r["case"]: r for r in _results(session_dir) if r["kind"] == "summary"}
    return {
        case: [(v["metric"], v["verdict"], v["measured"]["mean"]) for v in r["verdicts"]] for case, r in last.items()
    }


@pytest.mark.e2e  # a pytest session in a subprocess: about 1 s
def test_resume_trains_only_what_an_interrupted_run_lacks_and_judges_the_same(suite, monkeypatch, tmp_path):
    monkeypatch.setenv("FAKE_CASES", "a,b")
    suite("--update-baselines", "--bench-seeds=20")
    before = _sessions(suite.dirs)
    suite("--bench-seeds=4", "--bench-first-seed=50").assert_outcomes(passed=2)
    (whole,) = _sessions(suite.dirs) - before
    before = _sessions(suite.dirs)
    monkeypatch.setenv("FAKE_INTERRUPT_AT", "b 52")  # killed in case b's third seed
    assert suite("--bench-seeds=4", "--bench-first-seed=50", subprocess=True).ret == pytest.ExitCode.INTERRUPTED
    (cut,) = _sessions(suite.dirs) - before
    with open(cut / "results.jsonl", "a") as f:
        f.write('{"kind": "run", "benchmark": "fake", "proto')  # a line the kill cut short
    monkeypatch.delenv("FAKE_INTERRUPT_AT")
    log = tmp_path / "trained.txt"
    monkeypatch.setenv("FAKE_LOG", str(log))
    result = suite("--bench-seeds=4", "--bench-first-seed=50", f"--bench-resume={cut}")
    result.assert_outcomes(passed=2)
    assert log.read_text().split("\n")[:-1] == ["b 52", "b 53"]  # only what the killed run lacked
    result.stdout.fnmatch_lines(["*fake/p/b: 2 of 4 seeds already in *(--bench-resume); training 2*"])
    unwrapped = result.stdout.str().replace("\n    ", " ")  # the table's lines, wrapped to its width, joined again
    assert re.search(f"results in \\S*{cut.name}\n", unwrapped)
    assert re.search(r"\nhow: .*resumed: 6 run\(s\) recorded before in ", unwrapped)
    assert _sessions(suite.dirs) - before == {cut}  # appended there, no new folder
    assert _verdicts(cut) == _verdicts(whole)
    runs = [(r["case"], r["seed"]) for r in _results(cut) if r["kind"] == "run"]
    assert sorted(runs) == [(c, s) for c in "ab" for s in range(50, 54)]  # each seed recorded once


def test_resume_refuses_a_folder_without_results_and_runs_of_another_length(suite, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    suite(f"--bench-resume={empty}").stderr.fnmatch_lines(["*--bench-resume=*empty: no results.jsonl there*"])
    suite.baselined()
    other = tmp_path / "other"
    other.mkdir()
    # a record of the first layout (no format; "schedule" held the case name): still read
    run = {
        "kind": "run",
        "benchmark": "fake",
        "protocol": "p",
        "schedule": "s",
        "seed": 0,
        "metrics": {},
        "history": {"train_loss": [0.5]},
        "train_time_s": 0.0,
        "majority_rate": 0.5,
        "environment": {},
    }
    (other / "results.jsonl").write_text(json.dumps(run) + "\n")
    result = suite(f"--bench-resume={other}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*fake/p/s seed 0 in *other cannot be resumed: it trained 1 epochs, this session "
            "trains 2. Resume with the options that folder was made with*"
        ]
    )


def test_ray_without_ray_installed_is_a_usage_error(suite, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a))
    suite("--bench-ray").stderr.fnmatch_lines(["*--bench-ray needs Ray, an optional extra: pip install -e *"])


def test_ray_with_xdist_or_resume_with_update_is_a_usage_error(suite, tmp_path):
    pytest.importorskip("xdist")
    suite("-n", "2", "--bench-ray").stderr.fnmatch_lines(["*--bench-ray and -n both spread the work; use one*"])
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "results.jsonl").write_text("")
    suite("--update-baselines", f"--bench-resume={tmp_path / 'old'}").stderr.fnmatch_lines(
        ["*--bench-resume with --update-baselines would write baselines from runs of another session*"]
    )


def test_provenance_line_says_which_engine_and_options_trained(suite):
    from schedules.backend import BACKEND

    suite.baselined()
    if BACKEND != "tensorflow":
        suite().stdout.fnmatch_lines(
            [f"how: engine keras-train-step (Keras' own train step on its {BACKEND} backend, one seed at a time)"]
        )
        return
    suite("--bench-xla", "--bench-mixed-precision").stdout.fnmatch_lines(
        ["how: engine keras (one seed at a time), XLA on, mixed_float16 on"]
    )
    suite().stdout.fnmatch_lines(
        [
            "how: engine auto (a case's seeds trained together where the model and fixed "
            "parameters allow: no case here)"  # the fake's trainer is its own: one seed at a time
        ]
    )


def test_results_of_a_whole_case(suite):
    suite("--update-baselines", "--bench-seeds=20")
    (session_dir,) = _sessions(suite.dirs)
    records = _results(session_dir)
    assert [r["kind"] for r in records] == ["run"] * 20 + ["summary"]
    assert records[-1]["summaries"]["final_val_accuracy"]["n"] == 20
    assert records[-1]["seeds"] == list(range(20)) and (records[-1]["case"], records[-1]["schedule"]) == (
        "s",
        "constant",
    )


def test_reports_are_written_and_never_overwritten(suite, tmp_path):
    md, js = tmp_path / "report.md", tmp_path / "report.json"
    suite(
        "--update-baselines", "--bench-seeds=20", f"--bench-report-md={md}", f"--bench-report-json={js}"
    ).assert_outcomes(passed=1)
    assert "| fake " in md.read_text()
    verdict = json.loads(js.read_text())["verdicts"][0]
    assert (verdict["benchmark"], verdict["case"], verdict["schedule"]) == ("fake", "s", "constant")
    again = suite(f"--bench-report-md={md}")
    again.stderr.fnmatch_lines(["*--bench-report-md=*report.md exists; this suite never overwrites a report*"])


def test_bad_seed_count_is_a_usage_error(suite):
    suite("--bench-seeds=0").stderr.fnmatch_lines(["*--bench-seeds must be >= 1. Received: --bench-seeds=0*"])


def test_malformed_baseline_is_not_regenerated(suite):
    suite.dirs["baselines"].mkdir(parents=True)
    (suite.dirs["baselines"] / "fake.json").write_text("{oops")
    result = suite("--update-baselines", "--bench-seeds=20")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Baseline file *fake.json is not valid JSON*"])
    assert (suite.dirs["baselines"] / "fake.json").read_text() == "{oops"


def test_confirm_records_where_a_baseline_holds(suite, monkeypatch):
    suite.baselined()
    path = suite.dirs["baselines"] / "fake.json"
    before = json.loads(path.read_text())["cases"]["p"]["s"]["final_val_accuracy"]["holds_for"]
    assert len(before) == 1  # the environment it was measured in
    monkeypatch.setenv("FAKE_ACC", "0.899")  # within noise: passes the gates
    confirmed = suite("--bench-confirm-baselines")
    confirmed.assert_outcomes(passed=1)
    confirmed.stdout.fnmatch_lines(["*fake.json: 1 case(s) hold for *"])
    entry = json.loads(path.read_text())["cases"]["p"]["s"]["final_val_accuracy"]
    assert entry["holds_for"] == before and entry["mean"] == pytest.approx(0.9019)  # same env: listed once

    monkeypatch.setenv("FAKE_ACC", "0.80")
    refused = suite("--bench-confirm-baselines")
    refused.assert_outcomes(failed=1)
    refused.stdout.fnmatch_lines(["*fake/p/s differs beyond noise on *not confirmed*own baseline*"])


def test_too_few_seeds_for_a_baseline_is_a_usage_error(suite):
    suite("--update-baselines", "--bench-seeds=19").stderr.fnmatch_lines(
        ["*--update-baselines needs at least 20 seeds per case*Received: --bench-seeds=19*--bench-first-seed=1000*"]
    )
    assert not suite.dirs["baselines"].exists()


def test_a_run_on_the_baseline_s_own_seeds_says_so(suite):
    suite.baselined()  # seeds 0..19
    same = suite()  # seeds 0..2: all inside
    same.assert_outcomes(passed=1)
    same.stdout.fnmatch_lines(
        ["*this run's seeds overlap the seeds its baseline was measured on*", "*--bench-first-seed*"]
    )  # one note, wrapped to the table's width
    unseen = suite("--bench-first-seed=500")
    unseen.assert_outcomes(passed=1)
    assert "overlap" not in unseen.stdout.str() and "seeds 500..502 per case" in unseen.stdout.str()


def test_strict_fails_a_case_without_a_baseline_entry(suite):
    suite.baselined()
    doc_path = suite.dirs["baselines"] / "fake.json"
    doc = json.loads(doc_path.read_text())
    del doc["cases"]["p"]["s"]["final_val_accuracy"]
    doc_path.write_text(json.dumps(doc))
    partly = suite("--bench-strict")  # still judged on its train loss: strict lets it pass
    partly.assert_outcomes(passed=1)
    partly.stdout.fnmatch_lines(["*final_val_accuracy*none yet*no baseline: measured 0.9020*new*"])
    doc["cases"]["p"]["s"] = {}  # no gate left: the case trains and cannot be judged
    doc_path.write_text(json.dumps(doc))
    suite().assert_outcomes(passed=1)
    strict = suite("--bench-strict")
    strict.assert_outcomes(failed=1)
    strict.stdout.fnmatch_lines(
        [
            "*fake/p/s: no baseline entry for any gate of this case (measured "
            "final_val_accuracy 0.9020*--update-baselines*"
        ]
    )


def test_update_and_confirm_together_is_a_usage_error(suite):
    suite("--update-baselines", "--bench-confirm-baselines").stderr.fnmatch_lines(["*use one at a time*"])


def test_an_injected_regression_never_writes_or_confirms_baselines(suite):
    for option in ("--update-baselines", "--bench-confirm-baselines"):
        suite("--bench-inject=momentum", option).stderr.fnmatch_lines(
            [
                f"*--bench-inject=momentum trains with a regression on purpose; its results must not become or confirm "
                f"baselines. Drop {option}, or --bench-inject.*"
            ]
        )
    assert not suite.dirs["baselines"].exists()
    suite("--bench-inject=x3").stderr.fnmatch_lines(["*--bench-inject: invalid choice: 'x3'*"])


@pytest.mark.e2e  # a pytest session in a subprocess: about 1 s
def test_xdist_workers_merge_into_one_table_and_one_results_file(suite, monkeypatch):
    pytest.importorskip("xdist")
    monkeypatch.setenv("FAKE_CASES", "a,b,c,d")
    monkeypatch.setenv("FAKE_ENGINE", "stacked")  # as if each case's seeds trained together, in its worker
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    result = suite("-n", "2", "--update-baselines", "--bench-seeds=20", subprocess=True)
    result.assert_outcomes(passed=4)
    # the controller trained nothing itself: what its provenance line says, the workers' books told it
    result.stdout.fnmatch_lines(["how: engine auto (*allow: fake)*"])
    # one table, rows in a fixed order whichever worker finished first
    result.stdout.fnmatch_lines(
        [
            "*fake*p*a*final_val_accuracy*new*",
            "*fake*p*b*final_val_accuracy*new*",
            "*fake*p*c*final_val_accuracy*new*",
            "*fake*p*d*final_val_accuracy*new*",
            "wrote *fake.json",
        ]
    )
    (session_dir,) = _sessions(suite.dirs)
    records = _results(session_dir)
    assert sorted(r["case"] for r in records if r["kind"] == "summary") == ["a", "b", "c", "d"]
    assert {r["environment"]["gpu"] for r in records if r["kind"] == "run"} == {"0", "1"}  # one GPU per worker
    store = history_store.open_store(suite.dirs["results"] / history_store.FILE_NAME)  # both workers: one night
    (night,) = store.nights()
    assert night["key"] == json.loads((session_dir / "session.json").read_text())["key"]
    assert sorted((r["kind"], r["case"], r.get("seed")) for _, r in store.records()) == sorted(
        (r["kind"], r["case"], r.get("seed")) for r in records
    )
    doc = json.loads((suite.dirs["baselines"] / "fake.json").read_text())
    assert sorted(doc["cases"]["p"]) == ["a", "b", "c", "d"]


@pytest.mark.e2e  # renders the HTML report's plots through a session: about 0.7 s
def test_report_folder_from_a_run(suite, tmp_path):
    folder = tmp_path / "report"
    result = suite("--update-baselines", "--bench-seeds=20", f"--bench-report-dir={folder}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"HTML report: {folder / 'index.html'}"])
    assert sorted(p.name for p in (folder / "plots").iterdir()) == ["fake-p-s-lr.png", "fake-p-s-training.png"]
    assert "fake/p/s" in (folder / "index.html").read_text()
    again = suite(f"--bench-report-dir={folder}")
    again.stderr.fnmatch_lines(["*--bench-report-dir=*report exists; this suite never overwrites a report*"])


def _controller(results_dir):
    from bench.harness.session import BenchSession

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


def test_tensorboard_folder_has_one_run_per_case_and_seed(suite, tmp_path):
    pytest.importorskip("tensorflow")
    suite.baselined()
    board = tmp_path / "board"
    suite(f"--bench-tensorboard={board}").assert_outcomes(passed=1)
    runs = sorted(p.relative_to(board).as_posix() for p in board.glob("*/*/*/seed_*"))
    assert runs == ["fake/p/s/seed_0", "fake/p/s/seed_1", "fake/p/s/seed_2"]
    assert all(list((board / r).glob("events.out.tfevents.*")) for r in runs)


def test_cases_that_cannot_be_judged_stop_the_session_before_anything_trains(pytester, tmp_path):
    from pathlib import Path

    pytest.importorskip("tensorflow")
    pytester.makeini("[pytest]\nmarkers =\n    slow: trains\n    gpu: needs a GPU\n")
    pytester.makepyfile(test_acc=(Path(__file__).parents[1] / "test_accuracy.py").read_text())
    result = pytester.runpytest(
        "-p",
        "bench.harness.plugin",
        "-p",
        "no:hypothesispytest",
        "-m",
        "slow",
        "-k",
        "ionosphere",
        f"--bench-baselines={tmp_path / 'none'}",
        f"--bench-results={tmp_path / 'r'}",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*8 selected case(s) cannot be judged, so nothing was trained:*",
            "*- ionosphere/published/constant, ionosphere/published/time, *ionosphere/stratified/exp: "
            "No baseline file*ionosphere.json*",
            "*What to do: fix or restore the files named above (each line says how)*",
        ]
    )
    assert not (tmp_path / "r").exists()  # no results folder: nothing ran


@pytest.mark.e2e  # two sessions that save pytest-benchmark files: about 1 s on a machine this size
def test_the_single_gpu_nightly_keeps_pytest_benchmark_s_history(suite, tmp_path):
    suite.baselined()
    storage = tmp_path / "history"
    for _ in range(2):
        suite("--benchmark-autosave", f"--benchmark-storage={storage}").assert_outcomes(passed=1)
    saved = sorted(storage.rglob("*.json"))
    assert [p.name[:4] for p in saved] == ["0001", "0002"]  # one file per nightly
    (bench,) = json.loads(saved[-1].read_text())["benchmarks"]
    assert bench["extra_info"]["final_val_accuracy_mean"] == pytest.approx(0.902)


def test_a_strict_gpu_nightly_without_a_gpu_fails_and_says_why(pytester, tmp_path):
    from pathlib import Path

    tf = pytest.importorskip("tensorflow")
    if tf.config.list_physical_devices("GPU"):
        pytest.skip("this machine has a GPU: the strict nightly would train")
    pytester.makeini("[pytest]\nmarkers =\n    slow: trains\n    gpu: needs a GPU\n")
    pytester.makepyfile(test_acc=(Path(__file__).parents[1] / "test_accuracy.py").read_text())
    args = (
        "-p",
        "bench.harness.plugin",
        "-p",
        "no:hypothesispytest",
        "-m",
        "slow and gpu",
        f"--bench-results={tmp_path / 'r'}",
        "-p",
        "no:randomly",
    )
    lenient = pytester.runpytest(*args)
    assert lenient.ret == pytest.ExitCode.OK  # skips, with their reasons: the old behaviour without --bench-strict
    strict = pytester.runpytest(*args, "--bench-strict")
    assert strict.ret == pytest.ExitCode.TESTS_FAILED
    outcomes = strict.parseoutcomes()
    assert outcomes["failed"] >= 10 and "passed" not in outcomes and "skipped" not in outcomes
    strict.stdout.fnmatch_lines(
        [
            "*cifar10_resnet: did not train: needs a GPU*backend sees none. Pass --bench-allow-cpu*"
            "--bench-strict: a case that does not train fails the nightly*",
            f"*no benchmark case trained: {outcomes['failed']} selected, {outcomes['failed']} failed "
            "before training, 0 skipped*--bench-strict: this session fails*",
        ]
    )


def test_a_broken_baseline_file_is_reported_once_when_updating(suite):
    suite.dirs["baselines"].mkdir(parents=True)
    (suite.dirs["baselines"] / "fake.json").write_text("{broken")
    result = suite("--update-baselines")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    full = [line for line in out.splitlines() if line.startswith("Baseline file") and "is not valid JSON" in line]
    assert len(full) == 1, out  # once, as the failure's message (the summary line below it is pytest's)
    assert "During handling of the above exception" not in out
