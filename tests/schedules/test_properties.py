"""Properties of every schedule over every index t in [0, 2T], for random valid configs.

hypothesis draws the configurations from each schedule's declared ranges
(``Schedule.params``), so a registered schedule is covered without a line here; the
indices are checked exhaustively with NumPy. The shape each docstring promises
(monotone, bounded, periodic) is checked for the schedules that promise one.
"""

import inspect

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import schedules
from schedules import _ranges as ranges


def draw(rng, default):
    """A hypothesis strategy for one argument, from its declared range, sized for rates and run
    lengths: numbers up to 10 (from 1e-4 where 0 is refused), counts up to 300; and the
    argument's default (when it has one) as often as not."""
    rng = getattr(rng, "range", rng)  # a range that also takes None: draw from the range
    if isinstance(rng, ranges.Choice):
        drawn = st.sampled_from(rng.choices)
    elif isinstance(rng, ranges.Integer):
        drawn = st.integers(rng.minimum, 300)
    elif rng.high is None:
        drawn = st.floats(1e-4 if rng.low_open else 0.0, 10.0)
    else:
        drawn = st.floats(1e-3 if rng.low_open else rng.low, rng.high, exclude_max=rng.high_open)
    return drawn if default is inspect.Parameter.empty else st.one_of(st.just(default), drawn)


def configs(name):
    """Valid configurations of ``name``, drawn argument by argument from the declared ranges.
    A draw that breaks a rule between arguments (final_lr <= initial_lr) is discarded."""
    cls = schedules.declared(name)
    defaults = {p: v.default for p, v in inspect.signature(cls.__init__).parameters.items() if p != "self"}
    return st.fixed_dictionaries({p: draw(rng, defaults[p]) for p, rng in cls.params.items()})


def horizon(s):
    """T: the run its integer arguments describe (max_epochs, total_steps, warmup + decay steps,
    several drops or cycles), at least 100 indices."""
    counts = [v for v in s.get_config().values() if isinstance(v, int) and not isinstance(v, bool)]
    return max(100, 3 * sum(counts))


def non_increasing(v, scale):
    return bool(np.all(np.diff(v) <= 1e-12 * scale))


def non_decreasing(v, scale):
    return bool(np.all(np.diff(v) >= -1e-12 * scale))


def settled_at(tail, value, rel, abs):
    """``None`` where every rate of ``tail`` equals ``value`` within ``pytest.approx(value, rel=rel, abs=abs)``'s
    tolerance (``max(rel * |value|, abs)``), else the first that does not, in words. One NumPy comparison:
    ``tail == pytest.approx(value)`` compares an array element by element in Python (10^5 of them here)."""
    tail = np.asarray(tail, dtype=np.float64)
    with np.errstate(invalid="ignore"):  # inf - inf: equal, found by ==
        ok = (tail == value) | (np.abs(tail - value) <= max(rel * np.abs(value), abs))
    bad = np.flatnonzero(~ok)
    if bad.size == 0:
        return None
    return f"{tail.size - bad.size} of {tail.size} settled; [{bad[0]}] is {float(tail[bad[0]])!r}"


def check_shape_of_curve(s, ts, v):
    """Monotonicity and bounds that each schedule's docstring promises."""
    c = s.get_config()
    if s.name in ("constant", "standard", "time", "step", "linear", "poly", "exp"):
        assert non_increasing(v, v[0])
    if s.name in ("linear", "poly"):
        assert settled_at(v[c["max_epochs"] :], c["final_lr"], rel=1e-12, abs=1e-300) is None
    if s.name == "onecycle":
        peak = (s.total_steps - round(s.final_fraction * s.total_steps)) // 2
        assert non_decreasing(v[: peak + 1], s.max_lr) and non_increasing(v[peak + 1 :], s.max_lr)
        assert v.max() <= s.max_lr * (1 + 1e-12)
        assert settled_at(v[s.total_steps :], s.final_lr, rel=1e-12, abs=1e-300) is None
    if s.name == "cosine":
        w = c["warmup_steps"]
        assert non_decreasing(v[: w + 1], s.initial_lr) and non_increasing(v[w:], s.initial_lr)
        assert settled_at(v[w + c["decay_steps"] :], c["final_lr"], rel=1e-9, abs=1e-15) is None
    if s.name == "cyclical":
        assert np.all(v >= s.base_lr * (1 - 1e-12)) and np.all(v <= s.max_lr * (1 + 1e-12))
        if s.mode == "triangular":
            period = 2 * s.step_size
            np.testing.assert_allclose(v[period:], v[:-period], rtol=1e-12)


@pytest.mark.parametrize("name", schedules.available())
def test_properties_over_zero_to_2t(name):
    # Draws that break a rule between arguments are discarded by design (``configs``): cyclical keeps
    # about 3 in 10 (max_lr > base_lr, and gamma only with exp_range), and an unlucky run of draws
    # trips Hypothesis' filter health check (seen once: 7 kept of 57). The 30 examples still come.
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
    @given(configs(name))
    def properties(params):
        try:
            s = schedules.get(name, **params)
        except ValueError:
            assume(False)
        ts = np.arange(2 * horizon(s) + 1)
        v = s.values(ts)
        bad = np.flatnonzero(~np.isfinite(v) | (v < 0))
        assert bad.size == 0, (
            f"{name}{params}: rate {float(v[bad[0]])!r} at t={int(ts[bad[0]])}, a configuration its declared ranges "
            "admit; "
            f"narrow the range in {type(s).__name__}.params (schedules/_ranges.py) or keep the formula finite and "
            f">= 0 there (e.g. clip an exponent); docs/contributing.md#1-write-its-module"
        )
        # s(t) evaluates a length-1 array, values() a long one: NumPy's vector loops and scalar tails must
        # agree to the bit. 33 points spread over the run, both ends included, meet both kinds of loop.
        sample = np.unique(np.linspace(0, len(ts) - 1, 33).astype(int))
        assert [s(int(t)) for t in sample] == v[sample].tolist(), "values() differs from s(t)"
        again = schedules.get(name, **s.get_config())
        assert np.array_equal(again.values(ts), v), "config round trip changed the values"
        check_shape_of_curve(s, ts, v)

    properties()


@pytest.mark.parametrize(
    "tail, value, rel, abs, expected",
    [
        ([0.5, 0.5 * (1 + 1e-13)], 0.5, 1e-12, 0.0, None),  # within rel
        ([0.5, 0.5 * (1 + 1e-11)], 0.5, 1e-12, 0.0, "1 of 2 settled; [1] is 0.500000000005"),
        ([0.0, 1e-301], 0.0, 1e-12, 1e-300, None),  # abs where value is 0
        ([0.0, 1e-299], 0.0, 1e-12, 1e-300, "1 of 2 settled; [1] is 1e-299"),
        ([np.inf], np.inf, 1e-12, 0.0, None),  # equal, as approx has it
        ([np.nan, 1.0], 1.0, 1e-12, 0.0, "1 of 2 settled; [0] is nan"),
    ],
)
def test_settled_at_keeps_pytest_approx_s_tolerance(tail, value, rel, abs, expected):
    assert settled_at(tail, value, rel=rel, abs=abs) == expected
    assert (expected is None) == all(t == pytest.approx(value, rel=rel, abs=abs) for t in tail)
