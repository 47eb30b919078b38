"""bench/harness/session.py: a session's seeds, its count of gated tests, and a case run, recorded and judged.

Through a stand-in for pytest's config (the options as the command line would give them); the
plugin's end-to-end tests (tests/harness/test_plugin.py) run the same session under pytest itself.
"""

import dataclasses
import json
import types

import pytest

import bench.harness.session as session_module
from bench.benchmarks import Benchmark, Case
from bench.engine.records import RunResult
from bench.harness.session import BASELINE_SEEDS, BenchSession, quick_text
from bench.stores import baselines, results

DEFAULTS = {
    "--bench-seeds": None,
    "--bench-first-seed": 0,
    "--bench-strict": False,
    "--bench-cifar10": None,
    "--bench-fashion-mnist": None,
    "--bench-allow-cpu": False,
    "--bench-engine": "auto",
    "--bench-xla": False,
    "--bench-mixed-precision": False,
    "--bench-require-data": False,
    "--bench-tensorboard": None,
    "--update-baselines": False,
    "--bench-baselines": None,
    "--bench-results": None,
    "--bench-resume": None,
    "--bench-ray": False,
    "--bench-confirm-baselines": False,
    "--bench-inject": None,
    "--bench-history": [],
    "--bench-case": [],
    "--bench-quick": False,
    "--bench-budget": None,
    "--bench-plan": False,
}


def config(tmp_path, **options):
    given = {
        **DEFAULTS,
        "--bench-baselines": str(tmp_path / "baselines"),
        "--bench-results": str(tmp_path / "results"),
        **{"--" + k.replace("_", "-"): v for k, v in options.items()},
    }
    return types.SimpleNamespace(
        getoption=given.__getitem__,
        pluginmanager=types.SimpleNamespace(getplugin=lambda name: None, get_plugin=lambda name: None),
        option=types.SimpleNamespace(collectonly=False),
        rootpath=tmp_path,
        invocation_params=types.SimpleNamespace(args=("-m", "slow")),
    )


def train(case, seed, protocol, on_epoch=None, options=None):
    on_epoch(0, {"lr": 0.1, "train_loss": 0.5, "val_accuracy": 0.9})
    acc = 0.90 + 0.002 * (seed % 3)
    return RunResult(
        "demo",
        protocol,
        case,
        seed,
        {"final_val_accuracy": acc, "final_train_loss": 0.3, "best_val_accuracy": acc},
        {"train_loss": [0.3]},
        0.01,
        0.6,
        {},
    )


DEMO = Benchmark(
    name="demo",
    source="a test",
    cases={"c": Case("step", {"initial_lr": 0.1, "factor": 0.5, "drop_every": 2})},
    protocols=("p",),
    metric="final_val_accuracy",
    config={"epochs": 1},
    requires=(),
    trainer=train,
    seeds=3,
)


def baseline(tmp_path, seeds=range(1000, 1020)):
    """A measured baseline of DEMO's case c on ``seeds``, written where the session looks."""
    runs = [train("c", s, "p", on_epoch=lambda *a: None) for s in seeds]
    doc = baselines.updated(
        None,
        "demo",
        {("p", "c"): {m: [r.metrics[m] for r in runs] for m in runs[0].metrics}},
        {"source": "measured", "seeds": list(seeds)},
        [],
    )
    (tmp_path / "baselines").mkdir(exist_ok=True)
    baselines.write_atomic(baselines.path_for("demo", tmp_path / "baselines"), doc)


def test_seeds_are_the_benchmark_s_nightly_number_from_the_first_seed(tmp_path):
    assert BenchSession(config(tmp_path)).seeds_for(DEMO) == [0, 1, 2]
    assert BenchSession(config(tmp_path, bench_seeds=2, bench_first_seed=7)).seeds_for(DEMO) == [7, 8]
    measuring = BenchSession(config(tmp_path, update_baselines=True, bench_first_seed=1000))
    assert measuring.seeds_for(DEMO) == list(range(1000, 1000 + BASELINE_SEEDS))


def test_a_case_is_trained_recorded_and_judged(tmp_path):
    baseline(tmp_path)
    session = BenchSession(config(tmp_path))
    runs, verdicts = session.run_case(DEMO, "p", "c")
    assert [r.seed for r in runs] == [0, 1, 2]
    judged = {v.metric: (v.case, v.schedule, v.verdict) for v in verdicts}
    assert judged == {
        "final_val_accuracy": ("c", "step", "pass"),
        "final_train_loss": ("c", "step", "pass"),
        "best_val_accuracy": ("c", "step", "info"),
    }
    records = list(results.records(session.results_dir))
    assert [r["kind"] for r in records] == ["run"] * 3 + ["summary"]
    assert all(r["format"] == results.FORMAT for r in records)
    assert (records[-1]["case"], records[-1]["schedule"], records[-1]["seeds"]) == ("c", "step", [0, 1, 2])
    assert session.books.measured["demo"][("p", "c")]["final_val_accuracy"] == [
        r.metrics["final_val_accuracy"] for r in runs
    ]
    assert (
        session.books.confirmed == {"demo": [("p", "c")]}
        and session.books.trained == 1
        and session.failures(verdicts) == []
    )


def test_a_resumed_session_trains_only_the_seeds_its_folder_lacks(tmp_path):
    baseline(tmp_path)
    folder = tmp_path / "earlier"
    folder.mkdir()
    results.append(folder, results.run_record(train("c", 1, "p", on_epoch=lambda *a: None)))
    trained = []
    session = BenchSession(config(tmp_path, bench_resume=str(folder)))
    demo = Benchmark(
        **{**DEMO.__dict__, "trainer": lambda case, seed, *a, **k: trained.append(seed) or train(case, seed, *a, **k)}
    )
    runs, _ = session.run_case(demo, "p", "c")
    assert trained == [0, 2] and [r.seed for r in runs] == [0, 1, 2]
    assert sorted(r["seed"] for r in results.records(folder, "run")) == [0, 1, 2]  # appended there, once each


def test_gated_tests_are_counted_from_the_baseline_entries_of_cases_that_will_be_judged(tmp_path):
    session = BenchSession(config(tmp_path, bench_baselines=str(baselines.DEFAULT_DIR)))
    session.count_judged([("digits", "holdout", "step"), ("ionosphere", "published", "exp")])
    assert session.tests == 6  # each: final_val_accuracy (worse), final_train_loss and mean_train_loss (changed)
    session.count_judged([("digits", "holdout", "step"), ("cifar10_resnet", "published", "step")])
    assert session.tests == 3  # no GPU, or no CIFAR-10, here: the ResNet case is judged on nothing


def test_cases_that_cannot_be_judged_stop_the_session_before_training(tmp_path):
    session = BenchSession(config(tmp_path))
    with pytest.raises(
        pytest.UsageError,
        match=r"1 selected case\(s\) cannot be judged, so nothing was trained:\n"
        r"- demo/p/c: No baseline file .*demo.json",
    ):
        session.check_baselines([("demo", "p", "c")])


def test_a_strict_session_that_trained_nothing_fails_when_it_finishes(tmp_path):
    strict = BenchSession(config(tmp_path, bench_strict=True))
    strict.selected = [("demo", "p", "c")]
    assert strict.finish() is False
    lenient = BenchSession(config(tmp_path))
    lenient.selected = [("demo", "p", "c")]
    assert lenient.finish() is True


def test_a_worker_s_books_travel_to_the_controller_whole(tmp_path):
    baseline(tmp_path)
    worker = BenchSession(config(tmp_path))
    worker.run_case(DEMO, "p", "c")
    controller = BenchSession(config(tmp_path))
    controller.books.absorb(json.loads(json.dumps(worker.books.export())))
    assert [v.to_dict() for v in controller.books.verdicts] == [v.to_dict() for v in worker.books.verdicts]
    assert controller.books.measured == worker.books.measured and controller.books.confirmed == worker.books.confirmed
    assert controller.books.histories == worker.books.histories and controller.books.trained == 1


def test_the_controller_names_the_benchmarks_a_worker_trained_together(tmp_path, monkeypatch):
    """The how: line reads the Keras backend, so the test sets it: on TensorFlow the line names what the
    workers trained together; on JAX or PyTorch every seed trains alone and the line says so."""
    baseline(tmp_path)
    stacked = Benchmark(
        **{
            **DEMO.__dict__,
            "trainer": lambda *a, **k: dataclasses.replace(train(*a, **k), environment={"engine": "stacked"}),
        }
    )
    worker, alone = BenchSession(config(tmp_path)), BenchSession(config(tmp_path))
    worker.run_case(stacked, "p", "c")
    alone.run_case(DEMO, "p", "c")
    controller = BenchSession(config(tmp_path))  # under xdist it trains nothing itself
    for books in (worker.books, alone.books):
        controller.books.absorb(json.loads(json.dumps(books.export())))
    assert worker.books.stacked == {"demo"} and alone.books.stacked == set() and controller.books.stacked == {"demo"}
    assert controller.options.stacks  # the default engine, auto
    monkeypatch.setattr(session_module, "keras_backend", lambda: "tensorflow")
    assert "allow: demo)" in controller.how()
    assert "allow: no case here)" in BenchSession(config(tmp_path)).how()
    monkeypatch.setattr(session_module, "keras_backend", lambda: "jax")
    assert controller.how().startswith("engine keras-train-step (Keras' own train step on its jax backend")


def test_an_xdist_session_whose_workers_write_nothing_leaves_no_folder_and_one_that_trains_one_night(tmp_path):
    """The controller names the folder and describes the night for its workers (``pytest_configure_node``);
    the first record makes the folder and its session.json. The fast tier under ``-n 2`` trains nothing."""
    baseline(tmp_path)
    idle = BenchSession(config(tmp_path))
    folder, night = idle.reserve_results_dir(), idle.night_description()
    assert idle.finish() and idle.results_dir is None
    assert not (tmp_path / "results").exists()  # before: an empty session folder with a session.json, each run

    controller = BenchSession(config(tmp_path))
    folder, night = controller.reserve_results_dir(), controller.night_description()
    workers = []
    for worker_id in ("gw0", "gw1"):
        worker_config = config(tmp_path)
        worker_config.workerinput = {"workerid": worker_id, "bench_results_dir": str(folder), "bench_night": night}
        workers.append(BenchSession(worker_config))
    assert not folder.exists()
    workers[0].run_case(DEMO, "p", "c")
    workers[1].run_case(DEMO, "p", "c")
    assert sorted(p.name for p in folder.iterdir()) == ["results-gw0.jsonl", "results-gw1.jsonl", "session.json"]
    assert controller.finish() and controller.results_dir == folder
    assert json.loads((folder / "session.json").read_text()) == night
    assert sorted(p.name for p in folder.iterdir()) == ["results.jsonl", "session.json"]
    assert sorted(r["seed"] for r in results.records(folder) if r["kind"] == "run") == [0, 0, 1, 1, 2, 2]  # both


def test_an_injected_regression_marks_every_record_and_cannot_be_resumed_without_it(tmp_path):
    baseline(tmp_path)
    seen = []
    demo = Benchmark(
        **{
            **DEMO.__dict__,
            "trainer": lambda case, seed, *a, options=None, **k: (
                seen.append(options.regression) or train(case, seed, *a, **k)
            ),
        }
    )
    session = BenchSession(config(tmp_path, bench_inject="momentum"))
    session.run_case(demo, "p", "c")
    assert seen == ["momentum"] * 3  # the benchmark is asked to train with it
    records = list(results.records(session.results_dir))
    assert [r["environment"].get("injected") for r in records] == ["momentum"] * 4  # three runs and the summary
    assert (
        session.environment()["injected"] == "momentum"
        and "injected" not in BenchSession(config(tmp_path)).environment()
    )
    plain = BenchSession(config(tmp_path, bench_resume=str(session.results_dir)))
    with pytest.raises(
        pytest.fail.Exception,
        match=r"demo/p/c seed 0 in .* cannot be resumed: it was trained with "
        r"injected=momentum, this session with injected=None",
    ):
        plain.run_case(demo, "p", "c")


def test_a_case_whose_training_stops_leaves_a_failed_record_saying_why(tmp_path):
    from bench.engine.rules import NonFiniteLoss

    baseline(tmp_path)

    def diverging(case, seed, *a, **k):
        if seed == 1:
            raise NonFiniteLoss("loss became inf at epoch 3, batch 2 (rate 0.2); the run was stopped there")
        return train(case, seed, *a, **k)

    session = BenchSession(config(tmp_path))
    with pytest.raises(NonFiniteLoss):
        session.run_case(Benchmark(**{**DEMO.__dict__, "trainer": diverging}), "p", "c")
    records = list(results.records(session.results_dir))
    assert [r["kind"] for r in records] == ["run", "failed"]  # seed 0 finished; no summary
    assert records[-1]["why"] == (
        "NonFiniteLoss: loss became inf at epoch 3, batch 2 (rate 0.2); the run was stopped there"
    )
    assert (records[-1]["case"], records[-1]["schedule"]) == ("c", "step") and "device" in records[-1]["environment"]


def test_every_record_also_reaches_the_history_stores_under_one_night_and_a_resume_adds_to_it(tmp_path):
    from bench.stores import history_store

    baseline(tmp_path)
    urls = [f"sqlite:///{tmp_path / 'a.sqlite'}", f"sqlite:///{tmp_path / 'b.sqlite'}"]
    session = BenchSession(config(tmp_path, bench_history=urls, bench_seeds=2))
    session.open_history()  # what collected() does once the selected cases are known
    session.run_case(DEMO, "p", "c")
    info = json.loads((session.results_dir / "session.json").read_text())
    assert info["commit"] is None and info["options"]["seeds"] == 2 and info["options"]["args"] == ["-m", "slow"]
    resumed = BenchSession(config(tmp_path, bench_history=urls, bench_seeds=3, bench_resume=str(session.results_dir)))
    resumed.open_history()
    resumed.run_case(DEMO, "p", "c")  # trains seed 2 only, judges all three again
    for url in urls:
        store = history_store.open_store(url)
        (night,) = store.nights()
        assert night["key"] == info["key"] and "python" in night["environment"]  # the session's: the runs carry none
        kept = [(r["kind"], r.get("seed"), r.get("seeds")) for _, r in store.records()]
        assert kept == [("run", 0, None), ("run", 1, None), ("summary", None, [0, 1, 2]), ("run", 2, None)]
        accuracy = [v for v in store.verdict_rows() if v["metric"] == "final_val_accuracy"]
        assert [(v["n"], v["verdict"]) for v in accuracy] == [(3, "pass")]  # the newer summary replaced the first


def test_a_night_imported_from_its_folder_is_the_night_the_live_session_wrote_row_for_row(tmp_path):
    from bench.stores import history_store

    baseline(tmp_path)
    live_url, imported_url = f"sqlite:///{tmp_path / 'live.sqlite'}", f"sqlite:///{tmp_path / 'imported.sqlite'}"
    session = BenchSession(config(tmp_path, bench_history=[live_url], bench_seeds=2))
    session.open_history()

    def train_on_a_device(case, seed, protocol, on_epoch=None, options=None):  # a run carries its machine's environment
        return dataclasses.replace(train(case, seed, protocol, on_epoch), environment={"device": "GPU: a test's"})

    session.run_case(Benchmark(**{**DEMO.__dict__, "trainer": train_on_a_device}), "p", "c")
    session.finish()
    history_store.open_store(imported_url).import_folder(session.results_dir)

    def rows(url):
        store = history_store.open_store(url)
        nights = [{k: v for k, v in n.items() if k != "id"} for n in store.nights()]
        records = [record for _, record in store.records()]
        verdicts = [{k: v for k, v in row.items() if k not in ("id", "night_id")} for row in store.verdict_rows()]
        return nights, records, verdicts

    live, imported = rows(live_url), rows(imported_url)
    assert len(live[0]) == 1 and len(live[1]) == 3 and len(live[2]) >= 1  # one night: two runs, a summary
    assert live == imported
    assert live[0][0]["environment"] == json.loads((session.results_dir / "session.json").read_text())["environment"]


def test_history_off_keeps_no_store_and_a_bad_url_stops_the_session_saying_what_to_give(tmp_path):
    baseline(tmp_path)
    session = BenchSession(config(tmp_path, bench_history=["off"]))
    session.open_history()
    session.run_case(DEMO, "p", "c")
    assert session.history_writers == [] and not list(tmp_path.rglob("*.sqlite"))
    with pytest.raises(pytest.UsageError, match="--bench-history: history URL 'mysql://x/y': give sqlite:///"):
        BenchSession(config(tmp_path, bench_history=["mysql://x/y"])).open_history()
    default = BenchSession(config(tmp_path))
    default.open_history()
    assert [w.store.url for w in default.history_writers] == [f"sqlite:///{tmp_path / 'results' / 'history.sqlite'}"]


def test_a_quick_pass_trains_one_seed_judges_nothing_and_marks_what_it_records(tmp_path):
    session = BenchSession(config(tmp_path, bench_quick=True, bench_strict=True))  # no baseline file at all
    session.count_judged([("demo", "p", "c")])
    runs, verdicts = session.run_case(DEMO, "p", "c")
    assert [r.seed for r in runs] == [0] and session.tests == 0
    assert {v.metric: v.verdict for v in verdicts} == {m: "quick" for m in runs[0].metrics}
    assert session.failures(verdicts) == [] and session.strict_failures(verdicts) == []
    records = list(results.records(session.results_dir))
    assert [r["kind"] for r in records] == ["run", "summary"] and records[0]["environment"]["quick"] is True
    assert session.environment()["quick"] is True and session.options_record()["quick"] is True
    assert quick_text(session.synthetic) == (
        "QUICK PASS (--bench-quick): 1 seed, 2 epochs of at most 3 batches of 32 rows and 64 validation rows per case, "
        "GPU cases on the CPU, the smaller models benchmarks declare for it; nothing judged"
    )
    assert "quick" not in BenchSession(config(tmp_path)).environment()


def test_a_quick_pass_writes_a_synthetic_stand_in_for_absent_data_and_reads_it(tmp_path, monkeypatch):
    from bench.benchmarks.spec import data
    from bench.data import fashion_mnist

    monkeypatch.delenv(fashion_mnist.ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "no-keras-cache"))
    needs = Benchmark(
        name="demo",
        source="a test",
        cases=DEMO.cases,
        protocols=("p",),
        metric="final_val_accuracy",
        config={"epochs": 1},
        trainer=train,
        data_option="fashion_mnist",
        requires=(data("Fashion-MNIST", lambda o: fashion_mnist.locate(o.fashion_mnist)),),
    )
    session = BenchSession(config(tmp_path, bench_quick=True))
    session.check_requirements(needs, "p", "c")  # trains: no skip
    folder = session.results_dir / "synthetic-data" / "fashion_mnist"
    assert session.options.fashion_mnist == str(folder) and session.synthetic == {"fashion_mnist": folder}
    assert fashion_mnist.load(session.options.fashion_mnist)[0][0].shape == (320, 28, 28)
    assert quick_text(session.synthetic).endswith(f"; fashion_mnist synthetic ({folder})")
    strict = BenchSession(config(tmp_path, bench_quick=True, bench_require_data=True))
    with pytest.raises(pytest.fail.Exception, match="Fashion-MNIST is not on this machine"):
        strict.check_requirements(needs, "p", "c")  # --bench-require-data: the real files or nothing


def test_a_history_store_given_as_a_file_path_gets_the_records(tmp_path):
    from bench.stores import history_store

    baseline(tmp_path)
    path = tmp_path / "plain.sqlite"  # a file path is an SQLite store, as --bench-history's help says
    session = BenchSession(config(tmp_path, bench_history=[str(path)], bench_seeds=2))
    session.open_history()
    session.run_case(DEMO, "p", "c")
    session.finish()
    assert history_store.open_store(str(path)).counts()["records"] == 3 and path.is_file()
