"""bench/tools/calibrate.py: the injected regressions change exactly what they say, through the schedule."""

import pytest

import schedules
from bench import benchmarks
from bench.benchmarks import Case
from bench.tools import calibrate


def test_rate_regressions_scale_every_rate_parameter_and_nothing_else():
    s = schedules.get("onecycle", max_lr=0.1, total_steps=100, initial_lr=0.01, final_lr=1e-5)
    half = calibrate.run_options("x0.5", benchmarks.get("digits")).schedule_change(s)
    assert half.get_config() == {"max_lr": 0.05, "total_steps": 100, "initial_lr": 0.005, "final_lr": 5e-6,
                                 "final_fraction": 0.1}
    assert half(45) == pytest.approx(s(45) / 2, rel=1e-12)
    double = calibrate.run_options("x2", benchmarks.get("digits")).schedule_change(schedules.get("constant", lr=0.1))
    assert double(0) == 0.2


def test_step_early_and_dropped_decay():
    step = schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=10, offset=0)
    early = calibrate.run_options("step_early", benchmarks.get("ionosphere")).schedule_change(step)
    assert (step(8), step(9), early(8), early(9)) == (0.1, 0.1, 0.1, 0.05)  # D's first drop comes at 9, not 10
    cosine = schedules.get("cosine", initial_lr=0.1, decay_steps=10, warmup_steps=2)
    flat = calibrate.run_options("decay_dropped", benchmarks.get("digits")).schedule_change(cosine)
    assert (flat.name, flat(0), flat(50)) == ("constant", 0.1, 0.1)  # a warmup from 0: stays at the peak
    exp = schedules.get("exp", initial_lr=0.01, k=0.01)
    kept = calibrate.run_options("decay_dropped", benchmarks.get("ionosphere")).schedule_change(exp)
    assert (kept.name, kept(0), kept(49)) == ("constant", 0.01, 0.01)  # stays at its initial value


def test_fewer_epochs_and_where_each_regression_applies():
    assert calibrate.run_options("fewer_epochs", benchmarks.get("ionosphere")).epochs == 40  # 80 % of 50
    assert calibrate.run_options(None, benchmarks.get("ionosphere")).schedule_change is None
    constant, step = Case("constant", {"lr": 0.1}), Case("step", {"initial_lr": 0.1, "factor": 0.5,
                                                                                  "drop_every": 2})
    assert [calibrate.applies(r, constant) for r in calibrate.REGRESSIONS] == [True, True, False, False, True]
    assert [calibrate.applies(r, step) for r in calibrate.REGRESSIONS] == [True, True, True, True, True]


def test_seeds_a_nightly_would_need():
    # normal two-sided test at alpha 0.01, power 0.9: z = 2.576 + 1.282 = 3.858; d = 2, B = 40:
    # 1/n = (2 / 3.858)**2 - 1/40 = 0.2437 -> n = 5 (4.1 rounded up)
    assert calibrate.needed_seeds(2.0, 40, 0.01) == 5
    assert calibrate.needed_seeds(0.5, 40, 0.01) is None  # (0.5 / 3.858)**2 < 1/40: the baseline's own noise


def test_bad_arguments_are_refused_before_anything_trains(capsys):
    for argv, message in ((["ionosphere", "--sets", "0"], "--sets must be >= 1 and --seeds >= 2"),
                          (["ionosphere", "--protocols", "nope"], "--protocols 'nope' is not a ionosphere protocol"),
                          (["ionosphere", "--first-seed", "1000"], "seeds 1000..1079 are baseline seeds")):
        with pytest.raises(SystemExit) as exit_:
            calibrate.main(argv)
        assert exit_.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.slow  # trains ionosphere's published cases: about 20 s
def test_a_calibration_is_recorded_in_the_results_store_and_resumes_where_it_stopped(tmp_path, capsys):
    from bench.harness import results

    path = tmp_path / "calibrate-ionosphere.jsonl"
    # a record of the first layout (no kind, no format), as an earlier version wrote it: read, not trained again
    path.write_text('{"benchmark": "ionosphere", "protocol": "published", "case": "constant", "condition": '
                    '"unchanged", "seed": 100000, "metrics": {"final_val_accuracy": 0.98, "final_train_loss": 0.12, '
                    '"mean_train_loss": 0.23}}\n')
    argv = ["ionosphere", "--sets", "1", "--seeds", "2", "--protocols", "published", "--regressions", "x2",
            "--results", str(path)]
    assert calibrate.main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("ionosphere: 16 runs, 1 already in ") and "training 15 in 8 groups" in out
    records = list(results.read(path, "calibration"))
    assert len(records) == 16 and all(r["format"] == results.FORMAT for r in records)
    assert {(r["case"], r["condition"]) for r in records} == {(c, k) for c in ("constant", "time", "step", "exp")
                                                               for k in ("unchanged", "x2")}
    assert "ionosphere: sets with any false alarm: " in out
    assert calibrate.main(argv) == 0  # everything is recorded: nothing trains again
    assert "16 runs, 16 already in" in capsys.readouterr().out and len(list(results.read(path))) == 16
