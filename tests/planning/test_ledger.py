"""bench/planning/ledger.py: what the plan reads of the history store, on nights written here by hand."""

from bench.engine.records import CaseId, RunResult
from bench.planning import ledger
from bench.statistics.verdicts import Verdict
from bench.stores import history_store, results

STEP = CaseId("ionosphere", "published", "step")
HERE = {"cpu": "this one", "tensorflow": "2.21.0"}
ELSEWHERE = {"cpu": "another", "tensorflow": "2.21.0"}


def night(store, started, machine=HERE, code="c0", **options):
    return store.night(
        {
            "key": f"{started}-{machine['cpu']}-{code}-{sorted(options)}",
            "started": started,
            "environment": {},
            "options": {"machine": machine, "training_code": code, **options},
        }
    )


def trained(store, night_id, case, seeds, wall_s=None, epochs=50, accuracy=0.98):
    runs = [
        RunResult(
            *case,
            seed,
            {"final_val_accuracy": accuracy + seed % 3 * 0.001, "final_train_loss": 0.04, "mean_train_loss": 0.09},
            {"train_loss": [0.1] * epochs},
            1.0,
            0.922,
            {"tensorflow": "2.21.0", "keras": "3.15.1", "keras_backend": "tensorflow", "device": "CPU: here"},
        )
        for seed in seeds
    ]
    verdict = Verdict(*case, "final_val_accuracy", {"n": len(seeds), "mean": accuracy, "std": 0.0})
    summary = results.summary_record(case, "step", seeds, {}, [verdict], wall_s=wall_s, epochs=epochs)
    store.add_many(night_id, [results.run_record(r) for r in runs] + [summary])


def test_this_machine_s_nightlies_only(tmp_path):
    store = history_store.open_store(f"sqlite:///{tmp_path}/h.sqlite")
    mine = night(store, "2026-12-01T02:00:00Z")
    night(store, "2026-12-02T02:00:00Z", machine=ELSEWHERE)
    night(store, "2026-12-03T02:00:00Z", quick=True)
    night(store, "2026-12-04T02:00:00Z", side={"fingerprint": "x"})
    night(store, "2026-12-05T02:00:00Z", plan_only=True)
    assert [n["id"] for n in ledger.machine_nights(store, HERE)] == [mine]


def test_a_case_s_wait_last_night_and_seconds_per_seed_epoch(tmp_path):
    store = history_store.open_store(f"sqlite:///{tmp_path}/h.sqlite")
    first = night(store, "2026-12-01T02:00:00Z")
    second = night(store, "2026-12-02T02:00:00Z")
    night(store, "2026-12-03T02:00:00Z")
    other = CaseId("ionosphere", "published", "exp")
    trained(store, first, STEP, [0, 1], wall_s=99.0)
    trained(store, second, STEP, [0, 1, 2, 3], wall_s=20.0)  # 20 s / (4 seeds x 50 epochs) = 0.1
    trained(store, first, other, [0], wall_s=None)  # a summary from before the wall time was kept
    past = ledger.pasts(store, ledger.machine_nights(store, HERE))
    assert past[STEP].waited == 1 and past[STEP].last_trained == "2026-12-02T02:00:00Z"
    assert past[STEP].seed_epoch_s == 0.1 and "4 seed(s) x 50 epochs took 20.0 s" in past[STEP].seed_epoch_detail
    assert past[other].waited == 2 and past[other].seed_epoch_s is None


def test_collected_seeds_count_the_collection_range_of_one_machine_and_training_code(tmp_path):
    store = history_store.open_store(f"sqlite:///{tmp_path}/h.sqlite")
    start = ledger.COLLECT_SEEDS.start
    trained(store, night(store, "2026-12-01T02:00:00Z"), STEP, [start, start + 1, 7])  # 7: a nightly seed
    trained(store, night(store, "2026-12-02T02:00:00Z"), STEP, [start + 2])
    trained(store, night(store, "2026-12-03T02:00:00Z", machine=ELSEWHERE), STEP, [start + 3])
    trained(store, night(store, "2026-12-04T02:00:00Z", code="c1"), STEP, [start + 4])
    exp = CaseId("ionosphere", "published", "exp")
    assert ledger.collected_seeds(store, [STEP, exp], HERE, "c0") == {STEP: [start, start + 1, start + 2]}
    assert ledger.collected_seeds(store, [STEP], HERE, "c1") == {STEP: [start + 4]}
    assert ledger.collected_seeds(store, [exp], HERE, "c0") == {}


def test_the_newest_collection_is_every_night_of_the_newest_night_s_machine_and_code(tmp_path):
    store = history_store.open_store(f"sqlite:///{tmp_path}/h.sqlite")
    start = ledger.COLLECT_SEEDS.start
    trained(store, night(store, "2026-12-01T02:00:00Z", code="old"), STEP, [start, start + 1])
    trained(store, night(store, "2026-12-02T02:00:00Z"), STEP, [start + 2, start + 3])
    trained(store, night(store, "2026-12-03T02:00:00Z"), STEP, [start + 4, 9])
    found = ledger.newest_collection(store, STEP)
    assert [r["seed"] for r in found.runs] == [start + 2, start + 3, start + 4]
    assert found.training_code == "c0" and found.machine == HERE
    assert found.nights == ["2026-12-02T02:00:00Z", "2026-12-03T02:00:00Z"]
    assert ledger.newest_collection(store, CaseId("ionosphere", "published", "exp")) is None
