"""What users rely on at the edges: every documented parameter range at both ends, index 0 and
large indices in every dtype ``values()`` takes, rates and factors at the extremes of float64,
and the values the docs name at knots returned exactly.

Expected values are literals. Where they come from: the documented ranges and message form
(``schedules/_validate.py``'s docstring: "Argument `name` must be ... Received: name=value"),
the schedules' docstrings (knot values), and plain float64 arithmetic done by hand or in a
Python prompt on the formula written out (noted beside each).
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import schedules
from schedules import _validate as check
from schedules._piecewise import lerp, piecewise_linear

TINY = 5e-324  # the smallest positive float64 (subnormal)
HUGE = 1.7976931348623157e308  # the largest finite float64
BELOW_ONE = 0.9999999999999999  # 1 - 2**-53, the largest float64 below 1


def message(name, requirement, received):
    return f"Argument `{name}` must be {requirement}. Received: {name}={received}"


def rejects(text, name, **params):
    with pytest.raises(ValueError) as err:
        schedules.get(name, **params)
    assert str(err.value) == text


# -- every documented range, accepted at its ends and refused just outside ---------------------


@pytest.mark.parametrize(
    "name, params, expected_at_0",
    [
        ("constant", {"lr": TINY}, TINY),
        ("constant", {"lr": HUGE}, HUGE),
        ("standard", {"initial_lr": 0.1, "decay": 0.0}, 0.1),  # decay >= 0: 0 is the constant rate
        ("time", {"initial_lr": 0.1, "decay": 0.0}, 0.1),
        ("exp", {"initial_lr": 0.1, "k": 0.0}, 0.1),
        ("step", {"initial_lr": 0.1, "factor": 1.0, "drop_every": 1}, 0.1),  # factor in (0, 1]: 1 included
        ("step", {"initial_lr": 0.1, "factor": TINY, "drop_every": 1, "offset": 0}, 0.1),
        ("step", {"initial_lr": 0.1, "factor": 0.5, "drop_every": 15.0, "offset": 0.0}, 0.1),  # integral floats
        ("linear", {"initial_lr": 0.1, "max_epochs": 1, "final_lr": 0.1}, 0.1),  # final_lr <= initial_lr: equal
        ("poly", {"initial_lr": 0.1, "max_epochs": 1, "power": TINY}, 0.1),
        ("cosine", {"initial_lr": 0.1, "decay_steps": 1, "final_lr": 0.1, "warmup_steps": 0}, 0.1),
        (
            "onecycle",
            {"max_lr": 0.1, "total_steps": 3, "initial_lr": 0.1, "final_lr": 0.1, "final_fraction": 1 / 3},
            0.1,
        ),  # initial_lr <= max_lr and final_lr <= initial_lr: equal
        ("cyclical", {"base_lr": 0.1, "max_lr": 0.10000000000000002, "step_size": 1}, 0.1),  # max_lr > base_lr
        ("cyclical", {"base_lr": 0.1, "max_lr": 0.2, "step_size": 1, "mode": "exp_range", "gamma": 1.0}, 0.1),
        ("cyclical", {"base_lr": 0.1, "max_lr": 0.2, "step_size": 1, "mode": "exp_range", "gamma": TINY}, 0.1),
    ],
)
def test_the_ends_of_every_documented_range_are_accepted(name, params, expected_at_0):
    s = schedules.get(name, **params)
    assert s(0) == expected_at_0


@pytest.mark.parametrize(
    "name, params, text",
    [
        ("constant", {"lr": 0}, message("lr", "a finite number > 0", "0.0")),
        ("constant", {"lr": -TINY}, message("lr", "a finite number > 0", "-5e-324")),
        ("constant", {"lr": "0.1"}, message("lr", "a finite number > 0", "'0.1'")),
        ("constant", {"lr": math.inf}, message("lr", "a finite number > 0", "inf")),
        ("standard", {"initial_lr": 0.1, "decay": -TINY}, message("decay", "a finite number >= 0", "-5e-324")),
        ("standard", {"initial_lr": 0.1, "decay": None}, message("decay", "a finite number >= 0", "None")),
        ("exp", {"initial_lr": 0.1, "k": math.nan}, message("k", "a finite number >= 0", "nan")),
        ("step", {"initial_lr": 0.1, "factor": 0, "drop_every": 1}, message("factor", "in (0, 1]", "0.0")),
        (
            "step",
            {"initial_lr": 0.1, "factor": 1.0000000000000002, "drop_every": 1},
            message("factor", "in (0, 1]", "1.0000000000000002"),
        ),
        ("step", {"initial_lr": 0.1, "factor": "0.5", "drop_every": 1}, message("factor", "in (0, 1]", "'0.5'")),
        ("step", {"initial_lr": 0.1, "factor": 0.5, "drop_every": 0}, message("drop_every", "a positive integer", "0")),
        (
            "step",
            {"initial_lr": 0.1, "factor": 0.5, "drop_every": 1.5},
            message("drop_every", "a positive integer", "1.5"),
        ),
        (
            "step",
            {"initial_lr": 0.1, "factor": 0.5, "drop_every": "2"},
            message("drop_every", "a positive integer", "'2'"),
        ),
        (
            "step",
            {"initial_lr": 0.1, "factor": 0.5, "drop_every": 1, "offset": -1},
            message("offset", "a non-negative integer", "-1"),
        ),
        (
            "step",
            {"initial_lr": 0.1, "factor": 0.5, "drop_every": 1, "offset": math.inf},
            message("offset", "a non-negative integer", "inf"),
        ),
        ("linear", {"initial_lr": 0.1, "max_epochs": 0}, message("max_epochs", "a positive integer", "0")),
        (
            "linear",
            {"initial_lr": 0.1, "max_epochs": 10, "final_lr": 0.10000000000000002},
            "Argument `final_lr` must be <= `initial_lr` (0.1). Received: final_lr=0.10000000000000002",
        ),
        ("poly", {"initial_lr": 0.1, "max_epochs": 10, "power": 0}, message("power", "a finite number > 0", "0.0")),
        (
            "cosine",
            {"initial_lr": 0.1, "decay_steps": 10, "final_lr": 0.2},
            "Argument `final_lr` must be <= `initial_lr` (0.1). Received: final_lr=0.2",
        ),
        (
            "cosine",
            {"initial_lr": 0.1, "decay_steps": 10, "warmup_steps": -1},
            message("warmup_steps", "a non-negative integer", "-1"),
        ),
        (
            "onecycle",
            {"max_lr": 0.1, "total_steps": 10, "initial_lr": 0.10000000000000002},
            "Argument `initial_lr` must be <= `max_lr` (0.1). Received: initial_lr=0.10000000000000002",
        ),
        (
            "onecycle",
            {"max_lr": 0.1, "total_steps": 10, "initial_lr": 0.01, "final_lr": 0.02},
            "Argument `final_lr` must be <= `initial_lr` (0.01). Received: final_lr=0.02",
        ),
        (
            "onecycle",
            {"max_lr": 0.1, "total_steps": 10, "final_fraction": 1},
            message("final_fraction", "in (0, 1)", "1.0"),
        ),
        (
            "onecycle",
            {"max_lr": 0.1, "total_steps": 10, "final_fraction": 0},
            message("final_fraction", "in (0, 1)", "0.0"),
        ),
        (
            "cyclical",
            {"base_lr": 0.1, "max_lr": 0.2, "step_size": 1, "mode": "exp_range", "gamma": 0},
            message("gamma", "in (0, 1]", "0.0"),
        ),
        (
            "cyclical",
            {"base_lr": 0.1, "max_lr": 0.2, "step_size": 1, "mode": "exp_range", "gamma": 1.0000000000000002},
            message("gamma", "in (0, 1]", "1.0000000000000002"),
        ),
        (
            "cyclical",
            {"base_lr": 0.1, "max_lr": 0.2, "step_size": 1, "mode": "sine"},
            message("mode", "one of 'triangular', 'triangular2', 'exp_range'", "'sine'"),
        ),
    ],
)
def test_just_outside_a_range_is_refused_with_the_documented_message(name, params, text):
    rejects(text, name, **params)


def test_onecycle_smallest_run_has_one_iteration_per_phase():
    # total_steps 3, final_fraction 1/3: round(1/3 * 3) = 1 final iteration, 2 cycle iterations (up, down)
    s = schedules.get("onecycle", max_lr=0.1, total_steps=3, initial_lr=0.01, final_lr=0.001, final_fraction=1 / 3)
    assert s.values(range(5)).tolist() == [0.01, 0.1, 0.01, 0.001, 0.001]  # knots of the docstring's table
    # one iteration fewer in either phase is refused
    for total, fraction, cycle, final in ((2, 0.5, 1, 1), (4, 0.1, 4, 0)):
        with pytest.raises(ValueError) as err:
            schedules.get("onecycle", max_lr=0.1, total_steps=total, final_fraction=fraction)
        assert f"(got {cycle} cycle and {final} final iterations). Received: total_steps={total}" in str(err.value)


def test_smallest_sizes_give_the_knot_values():
    assert schedules.get("linear", initial_lr=0.1, max_epochs=1, final_lr=0.01).values([0, 1, 2]).tolist() == [
        0.1,
        0.01,
        0.01,
    ]
    assert schedules.get("cosine", initial_lr=0.1, decay_steps=1, final_lr=0.01, warmup_steps=1).values(
        [0, 1, 2, 3]
    ).tolist() == [0.0, 0.1, 0.01, 0.01]
    assert schedules.get("cyclical", base_lr=0.1, max_lr=0.2, step_size=1).values([0, 1, 2, 3]).tolist() == [
        0.1,
        0.2,
        0.1,
        0.2,
    ]


def test_cyclical_gamma_belongs_to_exp_range_only():
    with pytest.raises(ValueError, match="gamma"):
        schedules.get("cyclical", base_lr=0.1, max_lr=0.2, step_size=1, mode="triangular", gamma=0.5)


@pytest.mark.parametrize(
    "bad, text",
    [
        ("zzz", "Unknown schedule 'zzz'. Valid names: {names}"),
        ("stpe", "Unknown schedule 'stpe'. Did you mean 'step'? Valid names: {names}"),
    ],
)
def test_unknown_names_say_what_is_valid(bad, text):
    with pytest.raises(ValueError) as err:
        schedules.get(bad)
    assert str(err.value) == text.format(names=", ".join(schedules.available()))


@pytest.mark.parametrize(
    "param, text",
    [
        ("qqq", "Schedule 'step' has no parameter 'qqq'. Its parameters: initial_lr, factor, drop_every, offset"),
        (
            "factr",
            "Schedule 'step' has no parameter 'factr'. Did you mean 'factor'? "
            "Its parameters: initial_lr, factor, drop_every, offset",
        ),
    ],
)
def test_unknown_parameters_say_what_is_valid(param, text):
    with pytest.raises(ValueError) as err:
        schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=1, **{param: 1})
    assert str(err.value) == text


def test_the_shared_interval_check_handles_a_closed_low_end():
    # range_test's smoothing is in [0, 1): the helper's other use
    assert check.in_interval("smoothing", 0, 0, 1, low_open=False, high_open=True) == 0.0
    for value, shown in ((1, "1.0"), (-TINY, "-5e-324")):
        with pytest.raises(ValueError) as err:
            check.in_interval("smoothing", value, 0, 1, low_open=False, high_open=True)
        assert str(err.value) == message("smoothing", "in [0, 1)", shown)


# -- indices: 0 and large, in every dtype values() accepts --------------------------------------

STANDARD = {"initial_lr": 0.01, "decay": 0.00025}
# 0.01 / (1 + 0.00025 * t) in float64 at each dtype's largest value (Python float arithmetic on the formula)
LARGEST = {
    np.int8: 0.009692270414344561,
    np.uint8: 0.009400705052878966,
    np.int16: 0.0010879321130361464,
    np.float16: 0.0005755064456721915,
    np.int64: 4.336808689942016e-18,
    np.uint64: 2.1684043449710085e-18,
}


@pytest.mark.parametrize(
    "dtype",
    [
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.uint16,
        np.uint32,
        np.uint64,
        np.float16,
        np.float32,
        np.float64,
    ],
)
def test_index_zero_and_the_largest_index_of_each_dtype(dtype):
    s = schedules.get("standard", **STANDARD)
    largest = np.finfo(dtype).max if np.dtype(dtype).kind == "f" else np.iinfo(dtype).max
    v = s.values(np.array([0, largest], dtype=dtype))
    assert v.dtype == np.float64 and v[0] == 0.01  # docs/reference.md#reference-values: iteration 0 gives lr0
    assert 0 <= v[1] < 0.01 and math.isfinite(v[1])
    if dtype in LARGEST:
        assert v[1] == pytest.approx(LARGEST[dtype], rel=1e-15)


def test_index_zero_as_a_float_array_is_an_index():
    for name, params, lr0 in (
        ("step", {"initial_lr": 0.1, "factor": 0.5, "drop_every": 10}, 0.1),
        ("cosine", {"initial_lr": 0.2, "decay_steps": 10}, 0.2),
    ):
        assert schedules.get(name, **params).values(np.array([0.0, -0.0])).tolist() == [lr0, lr0]


def test_a_python_integer_beyond_int64_is_a_valid_index():
    s = schedules.get("standard", **STANDARD)
    assert s(10**20) == pytest.approx(4e-19, rel=1e-15)  # 0.01 / (1 + 0.00025e20) = 0.01 / 2.5e16


@pytest.mark.parametrize(
    "bad, shown", [(np.inf, "inf"), (-np.inf, "-inf"), (np.nan, "nan"), (-1.0, "-1.0"), (2.5, "2.5")]
)
def test_a_float_index_must_be_finite_integral_and_non_negative(bad, shown):
    s = schedules.get("exp", initial_lr=0.1, k=0.01)
    with pytest.raises(ValueError) as err:
        s.values(np.array([0.0, bad]))
    assert str(err.value) == f"Index `t` must be a non-negative integer (epochs counted from 0). Received: t={shown}"


def test_an_index_error_names_the_schedule_s_unit():
    with pytest.raises(ValueError, match=r"\(iterations counted from 0\)\. Received: t=-3"):
        schedules.get("standard", **STANDARD).values([0, -3])


# -- rates and factors at the extremes of float64 ------------------------------------------------


def test_step_with_factor_one_never_drops():
    s = schedules.get("step", initial_lr=0.1, factor=1.0, drop_every=1, offset=0)
    assert s.values([0, 1, 10**6, 10**18]).tolist() == [0.1, 0.1, 0.1, 0.1]
    assert s(10**18) == 0.1


def test_step_with_the_smallest_factor_drops_to_zero_at_once():
    s = schedules.get("step", initial_lr=0.1, factor=TINY, drop_every=2, offset=0)
    assert s.values([0, 1, 2, 10**9]).tolist() == [0.1, 0.1, 0.0, 0.0]  # 0.1 * 5e-324 < 1e-150: flushed


def test_step_with_a_factor_just_below_one_builds_at_once_and_decays_slowly():
    s = schedules.get("step", initial_lr=0.1, factor=BELOW_ONE, drop_every=1, offset=0)
    # 0.1 * (1 - 2**-53) ** 1e6 = 0.1 * exp(1e6 * log1p(-2**-53)) = 0.1 * (1 - 1.1102230246e-10), by hand
    assert s(10**6) == pytest.approx(0.09999999998889777, rel=1e-12)
    # the flush point is 1e-150 / 0.1 -> log(1e-149) / log1p(-2**-53) ~ 3.09e18 drops away
    assert 0 < s(10**18) < 0.1 and s(10**19) == 0.0


@pytest.mark.parametrize(
    "factor, last_kept, value",
    [
        # rate = factor ** k while factor ** k >= 1e-150 (decay.py's FLUSH_BELOW), exactly 0 after
        (0.5, 498, 2.0**-498),  # 2**-498 = 1.22e-150 >= 1e-150 > 2**-499 = 6.1e-151
        (1e-150, 1, 1e-150),  # equal to the bound: kept
        # log(1e-150) / log(factor) rounds to 26, one below the last kept power: 27
        (2.782559402207125e-06, 27, 1.0000000000000052e-150),
        # log(1e-150) / log(factor) rounds to 2, one above the last kept power: 1
        (9.999999999999996e-76, 1, 9.999999999999996e-76),
    ],
)
def test_step_keeps_every_rate_down_to_1e_150_and_flushes_below(factor, last_kept, value):
    s = schedules.get("step", initial_lr=1.0, factor=factor, drop_every=1, offset=0)
    assert s(last_kept) == pytest.approx(value, rel=1e-12) and s(last_kept) >= 1e-150
    assert s(last_kept + 1) == 0.0 and s(last_kept + 10**6) == 0.0
    assert s.values([last_kept, last_kept + 1]).tolist() == [s(last_kept), 0.0]


@pytest.mark.parametrize(
    "name, params, t, expected",
    [
        ("standard", {"initial_lr": HUGE, "decay": 0.0}, 10**9, HUGE),
        ("exp", {"initial_lr": HUGE, "k": 0.0}, 10**9, HUGE),
        ("exp", {"initial_lr": 0.1, "k": HUGE}, 1, 0.0),  # exp(-huge) underflows to 0
        ("time", {"initial_lr": TINY, "decay": HUGE}, 1, 0.0),  # 5e-324 / huge underflows to 0
        ("poly", {"initial_lr": HUGE, "max_epochs": 2, "power": 1}, 0, HUGE),
        ("poly", {"initial_lr": HUGE, "max_epochs": 2, "power": 1}, 1, HUGE / 2),
        ("poly", {"initial_lr": 0.1, "max_epochs": 2, "power": HUGE}, 1, 0.0),  # 0.5 ** huge = 0
        ("cosine", {"initial_lr": HUGE, "decay_steps": 2}, 0, HUGE),
        ("cyclical", {"base_lr": TINY, "max_lr": HUGE, "step_size": 2}, 2, HUGE),
        ("onecycle", {"max_lr": HUGE, "total_steps": 10}, 4, None),  # between knots: finite, checked below
    ],
)
def test_rates_at_the_extremes_of_float64_stay_finite(name, params, t, expected):
    s = schedules.get(name, **params)
    value = s(int(t))
    assert math.isfinite(value) and value >= 0
    if expected is not None:
        assert value == expected


# -- the values the docs name at knots, exactly --------------------------------------------------

rates = st.floats(1e-300, 1e300)
fractions = st.floats(0.0, 1.0)


@settings(max_examples=200, deadline=None)
@given(rates, fractions, st.integers(1, 10**6), st.integers(0, 10**6))
def test_cosine_peak_and_end_are_exact(lr, f, decay_steps, warmup_steps):
    s = schedules.get("cosine", initial_lr=lr, final_lr=lr * f, decay_steps=decay_steps, warmup_steps=warmup_steps)
    # docstring: peak initial_lr at iteration W; final_lr from W + D on
    ends = s.values([warmup_steps, warmup_steps + decay_steps, 2 * (warmup_steps + decay_steps)])
    assert ends.tolist() == [lr, lr * f, lr * f] and s(warmup_steps) == lr


def test_the_cosine_case_that_missed_its_peak_by_one_ulp():
    params = {"initial_lr": 0.9391491627785106, "decay_steps": 10, "final_lr": 0.35800764067250507}
    assert schedules.get("cosine", **params)(0) == 0.9391491627785106
    assert schedules.get("cosine", **params, warmup_steps=3)(3) == 0.9391491627785106


@settings(max_examples=200, deadline=None)
@given(rates, fractions, st.integers(1, 10**6), st.floats(0.01, 10.0))
def test_poly_starts_and_ends_exactly(lr, f, max_epochs, power):
    s = schedules.get("poly", initial_lr=lr, final_lr=lr * f, max_epochs=max_epochs, power=power)
    assert s.values([0, max_epochs, 3 * max_epochs]).tolist() == [lr, lr * f, lr * f]


@settings(max_examples=200, deadline=None)
@given(rates, st.floats(1.0000001, 1e6), st.integers(1, 10**5), st.sampled_from(["triangular", "triangular2"]))
def test_cyclical_first_trough_and_peak_are_exact(base, ratio, step_size, mode):
    s = schedules.get("cyclical", base_lr=base, max_lr=base * ratio, step_size=step_size, mode=mode)
    assert s.values([0, step_size, 2 * step_size]).tolist() == [base, base * ratio, base]


@settings(max_examples=200, deadline=None)
@given(rates, st.integers(3, 10**6), st.floats(0.01, 0.5), st.floats(1e-6, 1.0), st.floats(0.0, 1.0))
def test_onecycle_knots_are_exact(max_lr, total, fraction, a, b):
    final_steps = round(fraction * total)
    if final_steps < 1 or total - final_steps < 2:
        return  # refused, see test_onecycle_smallest_run_has_one_iteration_per_phase
    initial, final = max_lr * a, max_lr * a * b
    s = schedules.get(
        "onecycle", max_lr=max_lr, total_steps=total, final_fraction=fraction, initial_lr=initial, final_lr=final
    )
    cycle = total - final_steps
    knots = [0, cycle, total, total + 1] + ([cycle // 2] if cycle % 2 == 0 else [])
    expected = [initial, initial, final, final] + ([max_lr] if cycle % 2 == 0 else [])
    assert s.values(knots).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(rates, st.floats(TINY, 1.0), st.integers(1, 1000), st.integers(0, 1000))
def test_step_starts_exactly_at_initial_lr(lr, factor, drop_every, offset):
    s = schedules.get("step", initial_lr=lr, factor=factor, drop_every=drop_every, offset=offset % drop_every)
    assert s(0) == lr


def test_lerp_is_exact_at_both_ends_and_piecewise_needs_increasing_knots():
    assert lerp(0.35800764067250507, 0.9391491627785106, 1.0) == 0.9391491627785106
    assert lerp(0.35800764067250507, 0.9391491627785106, 0.0) == 0.35800764067250507
    t = np.array([0.0, 1.0, 2.0, 3.0])
    assert piecewise_linear(t, [(0.0, 1.0), (2.0, 3.0)], np).tolist() == [1.0, 2.0, 3.0, 3.0]
    for knots in ([(0.0, 1.0), (0.0, 2.0)], [(0.0, 1.0), (2.0, 2.0), (1.0, 0.5)], [(1.0, 1.0), (0.5, 0.0)]):
        with pytest.raises(ValueError, match="Knots must have strictly increasing x"):
            piecewise_linear(t, knots, np)


@pytest.mark.parametrize("index", [3, 3.0, np.int8(3), np.uint64(3), np.float16(3), np.float32(3), np.float64(3)])
def test_a_scalar_index_of_any_numeric_type_computes_in_float64(index):
    # 0.1 * exp(-0.3) = 0.1 * 0.7408182206817179 (float64); float32 arithmetic would be off by ~1e-8
    assert schedules.get("exp", initial_lr=0.1, k=0.1)(index) == pytest.approx(0.07408182206817179, rel=1e-15)


@pytest.mark.parametrize("bad, shown", [(-1, "-1"), (2.5, "2.5"), (True, "True"), ("3", "'3'"), (None, "None")])
def test_a_bad_scalar_index_is_named_in_the_error(bad, shown):
    with pytest.raises(ValueError) as err:
        schedules.get("standard", **STANDARD)(bad)
    assert (
        str(err.value) == f"Index `t` must be a non-negative integer (iterations counted from 0). Received: t={shown}"
    )


def test_indices_that_are_not_numbers_are_refused_with_their_dtype():
    with pytest.raises(ValueError) as err:
        schedules.get("standard", **STANDARD).values(["0", "1"])
    assert str(err.value) == (
        "Indices `ts` must be integers >= 0 (a list, range or numpy array of them). Received an array of dtype <U1"
    )


def test_too_short_a_onecycle_run_says_why():
    with pytest.raises(ValueError) as err:
        schedules.get("onecycle", max_lr=0.1, total_steps=2, final_fraction=0.5)
    assert str(err.value) == (
        "Argument `total_steps` is too small for final_fraction=0.5: every phase needs at least "
        "one iteration (got 1 cycle and 1 final iterations). Received: total_steps=2"
    )


def test_a_missing_parameter_lists_the_required_ones():
    with pytest.raises(ValueError) as err:
        schedules.get("step", initial_lr=0.1)
    assert str(err.value) == (
        "Schedule 'step' needs parameter 'factor'. Required: initial_lr, factor, drop_every; "
        "all parameters: initial_lr, factor, drop_every, offset"
    )


@pytest.mark.parametrize(
    "name, params",
    [
        ("standard", {"initial_lr": 0.1, "decay": HUGE}),
        ("time", {"initial_lr": 0.1, "decay": HUGE}),
        ("exp", {"initial_lr": 0.1, "k": HUGE}),
    ],
)
def test_a_huge_decay_gives_zero_past_epoch_0_without_an_overflow_warning(name, params):
    s = schedules.get(name, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "overflow encountered in multiply" would raise here
        assert s.values([0, 10]).tolist() == [0.1, 0.0]
        assert s(10) == 0.0
