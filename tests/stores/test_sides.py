"""bench/stores/sides.py: a revision's runs kept in the history store and found again only under the same key
(code fingerprint, machine, options): another machine's or environment's runs are never mixed in."""

from bench.engine.records import CaseId
from bench.stores import history_store, results, sides

CASE = CaseId("digits", "holdout", "step")
MACHINE = {"tensorflow": "2.21.0", "keras": "3.15.1", "cpu": "AMD EPYC", "cpu_isa": "avx avx2 fma", "gpus": "none"}
OPTIONS = {"engine": "auto", "first_seed": 0, "injected": None}


def run(seed, loss):
    return results.record(
        "run",
        benchmark="digits",
        protocol="holdout",
        case="step",
        seed=seed,
        metrics={"final_train_loss": loss},
        history={"train_loss": [0.5, loss]},
        train_time_s=1.0,
        majority_rate=0.1,
        environment={},
    )


def test_runs_are_found_under_their_own_key_only(tmp_path):
    store = history_store.open_store(f"sqlite:///{tmp_path / 'h.sqlite'}")
    key = sides.key("abc123", MACHINE, OPTIONS)
    night = sides.keep(store, key, "c" * 40, False, [run(0, 0.1), run(1, 0.2)], MACHINE, probed={CASE: [0, 1, 2]})
    (kept,) = store.nights(sides=True)
    assert kept["id"] == night and kept["commit"] == "c" * 40
    found = sides.find(store, key, {CASE: [0, 1, 2]})
    assert sorted(found[CASE]) == [0, 1] and found[CASE][1]["metrics"] == {"final_train_loss": 0.2}
    assert sides.find(store, key, {CASE: [2]}) == {}
    assert sides.cases(store, key) == {CASE: [0, 1, 2]}  # what the revision trains here, kept with its runs
    other_cpu = sides.key("abc123", {**MACHINE, "cpu_isa": "avx avx2 fma avx512f"}, OPTIONS)
    other_tf = sides.key("abc123", {**MACHINE, "tensorflow": "2.15.1"}, OPTIONS)
    other_code = sides.key("abc124", MACHINE, OPTIONS)
    injected = sides.key("abc123", MACHINE, {**OPTIONS, "injected": "x2"})
    for other in (other_cpu, other_tf, other_code, injected):
        assert sides.find(store, other, {CASE: [0, 1]}) == {} and sides.cases(store, other) is None


def test_the_first_kept_run_of_a_seed_wins_and_a_key_has_one_digest(tmp_path):
    store = history_store.open_store(f"sqlite:///{tmp_path / 'h.sqlite'}")
    key = sides.key("abc123", MACHINE, OPTIONS)
    sides.keep(store, key, "c" * 40, False, [run(0, 0.1)], MACHINE)
    sides.keep(store, key, "d" * 40, True, [run(0, 0.3)], MACHINE)  # a dirty tree with the same code
    assert sides.find(store, key, {CASE: [0]})[CASE][0]["metrics"] == {"final_train_loss": 0.1}
    assert sides.digest(key) == sides.digest(sides.key("abc123", dict(reversed(MACHINE.items())), OPTIONS))
    assert len(sides.digest(key)) == 12


def test_a_side_is_no_nightly_for_the_history_s_readers(tmp_path):
    from bench.statistics import night_series

    store = history_store.open_store(f"sqlite:///{tmp_path / 'h.sqlite'}")
    nightly = store.night({"key": "n1", "started": "2026-12-01T02:00:00Z", "environment": {}, "options": {}})
    store.add(nightly, run(0, 0.1))
    sides.keep(store, sides.key("abc123", MACHINE, OPTIONS), "c" * 40, False, [run(0, 0.2)], MACHINE)
    assert [n["key"] for n in store.nights()] == ["n1"] and [n["key"] for n in store.nights("digits")] == ["n1"]
    assert len(store.nights(sides=True)) == 2
    assert [n["key"] for n in night_series.load(store, "digits").nights] == ["n1"]
