"""bench/benchmarks/digits.py: scikit-learn's 8x8 digits, its fixed split, the model, and step counts from the data."""

import numpy as np
import pytest

import schedules
from bench.benchmarks import digits


@pytest.mark.e2e  # imports scikit-learn: about 2 s
def test_the_data_is_every_digit_image_scaled_to_0_1():
    (x_train, y_train), (x_val, y_val) = digits.load_data()
    assert len(x_train) + len(x_val) == digits.DATA_ROWS == 1797
    assert x_train.shape == (1197, 8, 8, 1) and x_val.shape == (600, 8, 8, 1) and y_val.shape == (600, 10)
    assert x_train.dtype == np.float32 and x_train.min() == 0.0 and x_train.max() == 1.0
    assert np.array_equal(y_val.sum(axis=1), np.ones(600))  # one-hot


@pytest.mark.e2e  # imports scikit-learn
def test_the_split_is_fixed_and_stratified():
    (_, y_train), (_, y_val) = digits.load_data()
    (_, _), (_, y_again) = digits.load_data()
    assert np.array_equal(y_val, y_again)  # the seed never moves it
    per_class = y_val.sum(axis=0)
    assert per_class.min() >= 58 and per_class.max() <= 62  # about 600 / 10 each (stratified)


@pytest.mark.e2e  # imports scikit-learn
def test_step_counts_come_from_the_data_size_and_the_batch():
    (x_train, _), _ = digits.load_data()
    per_epoch = -(-len(x_train) // digits.CONFIG["batch_size"])
    assert digits.STEPS_PER_EPOCH == per_epoch == 38
    assert digits.STEPS == digits.CONFIG["epochs"] * per_epoch == 228 and digits.HALF_EPOCH == 19
    onecycle = digits.BENCHMARK.case("onecycle").build()
    assert onecycle.get_config()["total_steps"] == 228


def test_every_registered_schedule_has_a_case_starting_or_peaking_at_0_1():
    cases = digits.BENCHMARK.cases
    trained = {c.schedule for c in cases.values()}
    missing, unknown = sorted(set(schedules.available()) - trained), sorted(trained - set(schedules.available()))
    assert not missing, (
        f"no digits case trains {missing}: add one to CASES in bench/benchmarks/digits.py, starting "
        "or peaking at peak_lr, then write its baseline (docs/contributing.md#4-train-it-in-the-benchmarks)"
    )
    assert not unknown, f"digits cases train {unknown}, which the registry does not have (schedules/__init__.py)"
    for name, case in cases.items():
        s = case.build()
        peak = max(s(i) for i in range(digits.STEPS if s.unit == "iteration" else digits.CONFIG["epochs"]))
        assert abs(peak - digits.CONFIG["peak_lr"]) <= 0.005 * digits.CONFIG["peak_lr"], (
            name,
            peak,
        )  # 1cycle peaks between steps


@pytest.mark.e2e  # builds a Keras model
def test_the_model_has_the_documented_weights():
    model = digits.build_model()
    assert model.count_params() == 1370  # conv 8 x (3 x 3 + 1) = 80; dense (4 x 4 x 8 + 1) x 10 = 1290
    assert model.output_shape == (None, 10)
