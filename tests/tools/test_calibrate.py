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
