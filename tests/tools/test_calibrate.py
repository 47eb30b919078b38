"""bench/tools/calibrate.py: its regressions, the seeds it would need, its arguments, its records."""

import pytest

from bench.benchmarks import regressions
from bench.statistics import figures
from bench.tools import calibrate
from tests.tools import command

run_calibrate = command("calibrate gates")


def test_the_regressions_are_the_suites_and_the_default_is_the_schedule_group():
    assert calibrate.REGRESSIONS == regressions.NAMES
    assert calibrate.expand(["schedule"]) == ["x0.5", "x2", "step_early", "decay_dropped", "fewer_epochs"]
    assert calibrate.expand(["library", "x2"]) == ["momentum", "nesterov", "initializer", "batch_x2", "x2"]
    assert calibrate.parser().parse_args(["digits"]).regressions == ["schedule"]
    assert calibrate.run_options("momentum").regression == "momentum" and calibrate.run_options(None).regression is None


def test_seeds_a_nightly_would_need():
    # normal two-sided test at alpha 0.01, power 0.9: z = 2.576 + 1.282 = 3.858; d = 2, B = 40:
    # 1/n = (2 / 3.858)**2 - 1/40 = 0.2437 -> n = 5 (4.1 rounded up)
    assert figures.needed_seeds(2.0, 40, 0.01) == 5
    assert figures.needed_seeds(0.5, 40, 0.01) is None  # (0.5 / 3.858)**2 < 1/40: the baseline's own noise
    assert figures.needed_seeds(float("inf"), 40, 0.01) == 2


def test_effect_size_of_a_change_between_seed_sets():
    assert figures.effect_size([1.0, 3.0], [3.0, 5.0]) == pytest.approx(2 / 2**0.5)  # shift 2, pooled std sqrt 2
    assert figures.effect_size([1.0, 1.0], [0.9, 0.9]) == float("-inf")  # every seed at 1.0, then all at 0.9
    assert figures.effect_size([1.0, 1.0], [1.0, 1.0]) == 0.0


def test_a_set_with_a_diverged_seed_fails_and_the_rest_give_the_effect_size():
    key = ("ionosphere", "published", "step")
    done = {(*key, "x2", s): {"metrics": {"final_train_loss": 0.04}} for s in range(4)}
    done[(*key, "x2", 2)] = {"metrics": None, "diverged": "loss became nan at epoch 9, batch 1"}
    entries = {
        "final_train_loss": {"mean": 0.04, "n": 3, "values": [0.039, 0.04, 0.041], "provenance": {"source": "measured"}}
    }
    flags = calibrate._flags(done, *key, "x2", entries, "final_train_loss", [[0, 1], [2, 3]], 0.01)
    assert flags.tolist() == [False, True]  # the first set sits on the baseline; the second holds seed 2
    assert calibrate._finite(done, (*key, "x2"), range(4), "final_train_loss") == ([0.04, 0.04, 0.04], 1)


def test_bad_arguments_are_refused_before_anything_trains(capsys):
    for argv, message in (
        (["ionosphere", "--sets", "0"], "--sets must be >= 1 and --seeds >= 2"),
        (["ionosphere", "--protocols", "nope"], "--protocols 'nope' is not a ionosphere protocol"),
        (["ionosphere", "--first-seed", "1000"], "seeds 1000..1099 are baseline seeds"),
    ):
        assert run_calibrate(argv) == 2
        assert message in capsys.readouterr().err


@pytest.mark.e2e  # trains ionosphere's published cases: about 20 s
def test_a_calibration_is_recorded_in_the_results_store_and_resumes_where_it_stopped(tmp_path, capsys):
    from bench.stores import results

    path = tmp_path / "calibrate-ionosphere.jsonl"
    # a record of the first layout (no kind, no format), as an earlier version wrote it: read, not trained again
    path.write_text(
        '{"benchmark": "ionosphere", "protocol": "published", "case": "constant", "condition": '
        '"unchanged", "seed": 100000, "metrics": {"final_val_accuracy": 0.98, "final_train_loss": 0.12, '
        '"mean_train_loss": 0.23}}\n'
    )
    argv = [
        "ionosphere",
        "--sets",
        "1",
        "--seeds",
        "2",
        "--protocols",
        "published",
        "--regressions",
        "x2",
        "--records",
        str(path),
    ]
    assert run_calibrate(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("ionosphere: 16 runs, 1 already in ") and "training 15 in 8 groups" in out
    records = list(results.read(path, "calibration"))
    assert len(records) == 16 and all(r["format"] == results.FORMAT for r in records)
    assert {(r["case"], r["condition"]) for r in records} == {
        (c, k) for c in ("constant", "time", "step", "exp") for k in ("unchanged", "x2")
    }
    assert "ionosphere: sets with any false alarm: " in out
    assert run_calibrate(argv) == 0  # everything is recorded: nothing trains again
    assert "16 runs, 16 already in" in capsys.readouterr().out and len(list(results.read(path))) == 16
    assert {r.get("environment") for r in records[1:]} == {calibrate.this_environment()}
    results.append_to(path, {**records[-1], "seed": 100_005, "environment": "Keras 3.15.1 (jax 0.10.2), CPU: x"})
    assert run_calibrate(argv) == 2  # one file per environment: calibrate matrix compares them
    assert "holds seeds trained in Keras 3.15.1 (jax 0.10.2), CPU: x, and this is " in capsys.readouterr().err
