"""Mixed precision for the training loops: the policy while a model is built, and loss scaling.

``mixed_float16`` computes in float16 and keeps float32 weights; a ``LossScaleOptimizer``
scales the loss up before the gradient and the gradients down before the update, so small
gradients do not vanish in float16 (Keras' own recipe). The loops call ``scale_loss`` and
``apply`` for every optimizer: both are plain pass-throughs for an ordinary one.
"""

import contextlib

POLICY = "mixed_float16"


@contextlib.contextmanager
def policy(mixed):
    """Build models inside this block to get ``mixed_float16`` layers when ``mixed``; restores the old policy."""
    if not mixed:
        yield
        return
    from schedules.backend import keras

    before = keras.mixed_precision.global_policy().name
    keras.mixed_precision.set_global_policy(POLICY)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(before)


def wrap(optimizer, mixed):
    """``optimizer`` behind Keras' dynamic loss scaling when ``mixed``, else itself."""
    if not mixed:
        return optimizer
    from schedules.backend import MAJOR, keras

    return (
        keras.mixed_precision.LossScaleOptimizer(optimizer)
        if MAJOR < 3
        else keras.optimizers.LossScaleOptimizer(optimizer)
    )


def is_loss_scaled(optimizer):
    return type(optimizer).__name__ == "LossScaleOptimizer"


def scale_loss(optimizer, loss):
    if not is_loss_scaled(optimizer):
        return loss
    from schedules.backend import MAJOR

    return optimizer.get_scaled_loss(loss) if MAJOR < 3 else optimizer.scale_loss(loss)


def apply(optimizer, grads, variables):
    """Apply ``grads`` (unscaled first under loss scaling; Keras 3's optimizer unscales them itself)."""
    from schedules.backend import MAJOR

    if is_loss_scaled(optimizer) and MAJOR < 3:
        grads = optimizer.get_unscaled_gradients(grads)
    optimizer.apply_gradients(zip(grads, variables))
