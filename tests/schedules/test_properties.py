"""Properties of every schedule over every index t in [0, 2T], for random valid configs.

hypothesis draws the configurations; the indices are checked exhaustively with
NumPy. T is the schedule's natural length (max_epochs, total_steps, ...) or a
fixed horizon for schedules with no end.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import schedules

rate = st.floats(1e-5, 1.0)
fraction = st.floats(0.01, 1.0)

CONFIGS = {
    "constant": st.fixed_dictionaries({"lr": rate}),
    "standard": st.fixed_dictionaries({"initial_lr": rate, "decay": st.floats(0, 0.1)}),
    "time": st.fixed_dictionaries({"initial_lr": rate, "decay": st.floats(0, 1.0)}),
    "step": st.fixed_dictionaries({"initial_lr": rate, "factor": fraction,
                                   "drop_every": st.integers(1, 50), "offset": st.integers(0, 3)}),
    "linear": st.builds(lambda lr, f, n: {"initial_lr": lr, "final_lr": lr * f, "max_epochs": n},
                        rate, st.floats(0, 1), st.integers(1, 300)),
    "poly": st.builds(lambda lr, f, n, p: {"initial_lr": lr, "final_lr": lr * f, "max_epochs": n,
                                           "power": p},
                      rate, st.floats(0, 1), st.integers(1, 300), st.floats(0.1, 8.0)),
    "exp": st.fixed_dictionaries({"initial_lr": rate, "k": st.floats(0, 0.5)}),
    "onecycle": st.builds(lambda lr, n, ff, a, b: {"max_lr": lr, "total_steps": n, "final_fraction": ff,
                                                   "initial_lr": lr * a, "final_lr": lr * a * b},
                          rate, st.integers(40, 3000), st.floats(0.05, 0.5), fraction, st.floats(0, 1)),
    "cyclical": st.builds(lambda base, ratio, s, mode, g: {"base_lr": base, "max_lr": base * ratio,
                                                          "step_size": s, "mode": mode,
                                                          "gamma": g if mode == "exp_range" else 1.0},
                          rate, st.floats(1.5, 20), st.integers(1, 500),
                          st.sampled_from(["triangular", "triangular2", "exp_range"]),
                          st.floats(0.99, 1.0)),
    "cosine": st.builds(lambda lr, f, d, w: {"initial_lr": lr, "final_lr": lr * f, "decay_steps": d,
                                             "warmup_steps": w},
                        rate, st.floats(0, 1), st.integers(1, 3000), st.integers(0, 300)),
}


def horizon(s):
    """T: where the schedule ends, or a fixed horizon for one that never does."""
    c = s.get_config()
    return {
        "linear": c.get("max_epochs"), "poly": c.get("max_epochs"), "onecycle": c.get("total_steps"),
        "cosine": c.get("warmup_steps", 0) + c.get("decay_steps", 0),
        "step": 6 * c.get("drop_every", 0), "cyclical": 6 * c.get("step_size", 0),
    }.get(s.name, 1000)


def non_increasing(v, scale):
    return bool(np.all(np.diff(v) <= 1e-12 * scale))


def non_decreasing(v, scale):
    return bool(np.all(np.diff(v) >= -1e-12 * scale))


def check_shape_of_curve(s, ts, v):
    """Monotonicity and bounds that each schedule's docstring promises."""
    c = s.get_config()
    if s.name in ("constant", "standard", "time", "step", "linear", "poly", "exp"):
        assert non_increasing(v, v[0])
    if s.name in ("linear", "poly"):
        assert v[c["max_epochs"]:] == pytest.approx(c["final_lr"], rel=1e-12, abs=1e-300)
    if s.name == "onecycle":
        peak = (s.total_steps - round(s.final_fraction * s.total_steps)) // 2
        assert non_decreasing(v[: peak + 1], s.max_lr) and non_increasing(v[peak + 1:], s.max_lr)
        assert v.max() <= s.max_lr * (1 + 1e-12)
        assert v[s.total_steps:] == pytest.approx(s.final_lr, rel=1e-12, abs=1e-300)
    if s.name == "cosine":
        w = c["warmup_steps"]
        assert non_decreasing(v[: w + 1], s.initial_lr) and non_increasing(v[w:], s.initial_lr)
        assert v[w + c["decay_steps"]:] == pytest.approx(c["final_lr"], rel=1e-9, abs=1e-15)
    if s.name == "cyclical":
        assert np.all(v >= s.base_lr * (1 - 1e-12)) and np.all(v <= s.max_lr * (1 + 1e-12))
        if s.mode == "triangular":
            period = 2 * s.step_size
            np.testing.assert_allclose(v[period:], v[:-period], rtol=1e-12)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_properties_over_zero_to_2t(name):
    @settings(max_examples=30, deadline=None)
    @given(CONFIGS[name])
    def check(params):
        s = schedules.get(name, **params)
        ts = np.arange(2 * horizon(s) + 1)
        v = s.values(ts)
        assert np.all(np.isfinite(v)), "non-finite rate"
        assert np.all(v >= 0), "negative rate"
        sample = ts[:: max(1, len(ts) // 97)]
        assert [s(int(t)) for t in sample] == v[sample].tolist(), "values() differs from s(t)"
        again = schedules.get(name, **s.get_config())
        assert np.array_equal(again.values(ts), v), "config round trip changed the values"
        check_shape_of_curve(s, ts, v)

    check()
