"""A schedule of keras.optimizers.schedules as a case's schedule (``keras.CLASS``): Keras' own values, read per
iteration; the optimizer gets the Keras object; bad names and arguments say what to change."""

import math

import pytest

pytest.importorskip("keras")
import schedules  # noqa: E402
from bench.benchmarks import Case  # noqa: E402
from bench.engine import rules  # noqa: E402
from schedules.backend import keras  # noqa: E402


def test_keras_values_by_hand():
    cosine = schedules.get("keras.CosineDecay", initial_learning_rate=0.1, decay_steps=100)
    assert cosine.unit == "iteration" and cosine.name == "keras.CosineDecay"
    assert cosine(0) == pytest.approx(0.1, rel=1e-6)
    assert cosine(50) == pytest.approx(0.05, rel=1e-6)  # 0.1 * (1 + cos(pi / 2)) / 2
    assert cosine(100) == pytest.approx(0.0, abs=1e-9)  # 0.1 * (1 + cos(pi)) / 2
    exp = schedules.get("keras.ExponentialDecay", initial_learning_rate=0.01, decay_steps=13, decay_rate=0.9)
    assert exp(26) == pytest.approx(0.0081, rel=1e-6)  # 0.01 * 0.9 ** (26 / 13)
    assert exp.get_config() == {"initial_learning_rate": 0.01, "decay_steps": 13, "decay_rate": 0.9}
    assert list(exp.values([0, 13])) == pytest.approx([0.01, 0.009], rel=1e-6)
    assert exp.at(epoch=3, iteration=13) == exp(13)  # an iteration schedule: the epoch plays no part


def test_the_optimizer_gets_keras_own_object():
    s = schedules.get("keras.PiecewiseConstantDecay", boundaries=[10], values=[0.1, 0.01])
    rate = s.as_training_schedule(steps_per_epoch=4)
    assert type(rate) is keras.optimizers.schedules.PiecewiseConstantDecay
    assert rate.get_config()["boundaries"] == [10]
    assert [float(rate(t)) for t in (0, 10, 11)] == pytest.approx([0.1, 0.1, 0.01])
    assert s(10) == pytest.approx(0.1) and s(11) == pytest.approx(0.01)
    with pytest.raises(ValueError, match="give it as the optimizer's learning_rate"):
        s.as_callback()


def test_a_wrong_name_or_argument_says_what_to_give():
    with pytest.raises(ValueError, match=r"keras.Cosine is not a schedule .*Valid names: .*keras.CosineDecay"):
        schedules.get("keras.Cosine", initial_learning_rate=0.1)
    with pytest.raises(ValueError, match=r"keras.LearningRateSchedule is not a schedule"):
        schedules.get("keras.LearningRateSchedule")
    with pytest.raises(ValueError, match=r"keras.CosineDecay refused its arguments .*decay_steps.*help\("):
        schedules.get("keras.CosineDecay", initial_learning_rate=0.1)
    assert not any(name.startswith("keras.") for name in schedules.available())  # the registry is the suite's own


def test_a_case_declares_a_keras_schedule_and_checks_it_at_declaration():
    case = Case("keras.CosineDecay", {"initial_learning_rate": 0.01, "decay_steps": 390}, optimizer_class="Adam")
    assert case.build()(195) == pytest.approx(0.005, rel=1e-6)
    with pytest.raises(ValueError, match="refused its arguments"):
        Case("keras.CosineDecay", {"initial_learning_rate": 0.01})
    with pytest.raises(ValueError, match=r"or 'keras.CLASS' for a schedule of keras.optimizers.schedules"):
        Case("Cosine", {"initial_lr": 0.01})


def test_the_wiring_check_allows_keras_float32_rounding_and_nothing_like_a_wrong_rate():
    s = schedules.get("keras.CosineDecay", initial_learning_rate=0.01, decay_steps=390)
    slack = s.wiring_tolerance(26 // 13, 26)
    assert slack == pytest.approx(1e-7)  # 1e-5 of the peak, 0.01 at step 0
    want = s(26)
    rules.check_rate(2, want * (1 - 1.4e-6), want, slack)  # what XLA's float32 cos gave in a run: passes
    with pytest.raises(rules.WiringError):
        rules.check_rate(2, s(27), want, slack)  # a rate one iteration late
    with pytest.raises(rules.WiringError):
        rules.check_rate(2, want * (1 - 1.4e-6), want)  # the suite's own schedules allow no such slack
    near_end = s(389)
    assert math.isclose(near_end, 0.01 * (1 + math.cos(math.pi * 389 / 390)) / 2, rel_tol=1e-3)
    assert s.wiring_tolerance(29, 389) == pytest.approx(1e-7)  # still 1e-5 of the peak, not of the small rate
    assert schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=2).wiring_tolerance(3, 30) == 1e-12
