"""What every engine does the same way: the order of the rows each epoch, the check that the optimizer
applies the schedule's rate (the wiring check), the stop on a non-finite loss, and the predicted classes.
``bench.engine.compiled`` (TensorFlow), ``bench.engine.portable`` (Keras 3 on JAX or PyTorch) and
``bench.engine.stacked`` (a case's seeds together) all import it; it imports no engine.
"""

import math

import numpy as np


class NonFiniteLoss(RuntimeError):
    """Training produced a NaN or infinite loss; the run was stopped at that batch."""


class WiringError(AssertionError):
    """The rate the optimizer used differs from the schedule's value."""


def epoch_order(seed, epoch, n):
    """The order in which epoch ``epoch`` of seed ``seed`` visits ``n`` training rows."""
    return np.random.default_rng([seed, epoch]).permutation(n)


def check_rate(epoch, lr, want, abs_tol=1e-12):
    """``WiringError`` when the optimizer's rate ``lr`` at ``epoch`` is not the schedule's ``want``: equal to a
    relative 1e-6 (float32's rounding of a float64 rate), or within ``abs_tol``, the slack the schedule allows
    (``Schedule.wiring_tolerance``: none for the suite's own, float32 rounding for one Keras computes)."""
    if not math.isclose(lr, want, rel_tol=1e-6, abs_tol=abs_tol):
        raise WiringError(f"epoch {epoch}: the optimizer's rate is {lr!r} but the schedule gives {want!r}")


def classes_of(p, y):
    """Predicted and true class per row of outputs ``p`` and labels ``y``: argmax of softmax
    outputs, or p > 0.5 for one sigmoid."""
    if p.shape[1] == 1:
        return (p[:, 0] > 0.5).astype(int).tolist(), y[:, 0].astype(int).tolist()
    return p.argmax(axis=1).tolist(), y.argmax(axis=1).tolist()
