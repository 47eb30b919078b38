"""Differential checks against Keras' own schedules where the formulas overlap.

Keras' schedule is an independent implementation. Passing float64 rates makes
Keras compute in float64, so agreement is checked at rtol 1e-12 over thousands
of indices; on a backend without float64 (JAX without x64) Keras computes in
float32 and the check is at float32's rtol 1e-6.
"""

import inspect
import math

import numpy as np
import pytest

pytest.importorskip("keras")
import schedules  # noqa: E402
from schedules.backend import MAJOR as KERAS_MAJOR  # noqa: E402
from schedules.backend import keras  # noqa: E402
from schedules.decay import FLUSH_BELOW  # noqa: E402

KS = keras.optimizers.schedules
N = 5000


def keras_values(keras_schedule, steps):
    """Evaluate a Keras schedule at every step, in float64."""
    if KERAS_MAJOR >= 3:
        # vectorized_map: CosineDecay's warmup branches with ops.cond, a scalar op.
        steps = keras.ops.convert_to_tensor(np.asarray(steps, dtype=np.float64))
        out = keras.ops.vectorized_map(keras_schedule, steps)
        return np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float64)
    # Keras 2's PiecewiseConstantDecay takes a scalar step only.
    return np.array([float(keras_schedule(np.float64(s))) for s in steps])


def f64(x):
    return np.float64(x)


CASES = [
    (
        "standard vs InverseTimeDecay(decay_steps=1)",
        schedules.get("standard", initial_lr=0.01, decay=0.00025),
        lambda: KS.InverseTimeDecay(f64(0.01), decay_steps=1, decay_rate=f64(0.00025)),
    ),
    (
        "time vs InverseTimeDecay(decay_steps=1)",
        schedules.get("time", initial_lr=0.1, decay=0.002),
        lambda: KS.InverseTimeDecay(f64(0.1), decay_steps=1, decay_rate=f64(0.002)),
    ),
    (
        "exp vs ExponentialDecay(decay_rate=e**-k)",
        schedules.get("exp", initial_lr=0.01, k=0.01),
        lambda: KS.ExponentialDecay(f64(0.01), decay_steps=1, decay_rate=f64(math.exp(-0.01))),
    ),
    (
        "step D vs ExponentialDecay(staircase=True)",
        schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=10, offset=0),
        lambda: KS.ExponentialDecay(f64(0.1), decay_steps=10, decay_rate=f64(0.5), staircase=True),
    ),
    (
        "step A vs PiecewiseConstantDecay",
        schedules.get("step", initial_lr=0.1, factor=0.25, drop_every=15),
        # A drops at t = 14, 29, ...: Keras uses values[i+1] for t > boundaries[i].
        lambda: KS.PiecewiseConstantDecay(
            [f64(15 * i - 2) for i in range(1, 20)], [f64(0.1 * 0.25**i) for i in range(20)]
        ),
    ),
    (
        "poly vs PolynomialDecay",
        schedules.get("poly", initial_lr=0.1, max_epochs=3000, power=5, final_lr=0.001),
        lambda: KS.PolynomialDecay(f64(0.1), 3000, end_learning_rate=f64(0.001), power=f64(5)),
    ),
    (
        "linear vs PolynomialDecay(power=1)",
        schedules.get("linear", initial_lr=0.1, max_epochs=4000),
        lambda: KS.PolynomialDecay(f64(0.1), 4000, end_learning_rate=f64(0.0), power=f64(1.0)),
    ),
    (
        "cosine vs CosineDecay",
        schedules.get("cosine", initial_lr=0.1, decay_steps=3000, final_lr=0.002),
        lambda: KS.CosineDecay(f64(0.1), 3000, alpha=f64(0.02)),
    ),
]

_COSINE_HAS_WARMUP = "warmup_target" in inspect.signature(KS.CosineDecay.__init__).parameters
if _COSINE_HAS_WARMUP:
    CASES.append(
        (
            "cosine+warmup vs CosineDecay(warmup_target=...)",
            schedules.get("cosine", initial_lr=0.1, decay_steps=3000, final_lr=0.002, warmup_steps=500),
            lambda: KS.CosineDecay(f64(0.0), 3000, alpha=f64(0.02), warmup_target=f64(0.1), warmup_steps=500),
        )
    )


def _keras_computes_float64():
    out = KS.InverseTimeDecay(f64(0.1), 1, f64(0.5))(np.float64(3.0))
    return np.asarray(out).dtype == np.float64


KERAS_FLOAT64 = _keras_computes_float64()


@pytest.mark.skipif(
    not KERAS_FLOAT64,
    reason="Keras computes its own schedules in float32 on this backend, "
    "so it is no float64 reference; the comparison runs in the TensorFlow environments",
)
@pytest.mark.parametrize("label, ours, theirs", CASES, ids=[c[0] for c in CASES])
def test_matches_keras_schedule(label, ours, theirs):
    steps = np.arange(N)
    if ours.name == "step" and ours.offset == 1:
        steps = np.arange(15 * 19 - 2)  # the range the 20 Keras values cover
    expected = keras_values(theirs(), steps)
    # atol: step returns exactly 0 once factor**k < FLUSH_BELOW (documented in Step);
    # Keras keeps the tiny value. Every rate here starts at <= 0.1, so 1e-151 bounds that.
    assert FLUSH_BELOW == 1e-150
    np.testing.assert_allclose(ours.values(steps), expected, rtol=1e-12, atol=1e-151, err_msg=label)
