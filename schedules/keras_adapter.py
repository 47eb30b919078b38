"""Thin Keras adapters: a per-epoch callback and a serializable optimizer schedule.

Works on Keras 2 (TensorFlow <= 2.15) and Keras 3 (any backend). The schedule's
math is not repeated here: the adapter evaluates the schedule's own ``_rate``
with the backend's ops instead of NumPy's.

A model saved with a rate from ``as_keras_schedule`` loads back with
``keras.models.load_model(path)`` once this module has been imported (importing
it registers ``KerasSchedule`` with Keras' serialization).
"""

import schedules
from schedules.backend import MAJOR as KERAS_MAJOR
from schedules.backend import keras


def rate_operations():
    """The array namespace ``_rate`` runs on inside Keras: ``keras.ops`` on Keras 3 (any backend) and
    TensorFlow's NumPy API, ``tf.experimental.numpy``, on Keras 2. Both take NumPy's names and
    arguments, so a formula may use any NumPy function the two share (``log``, ``sqrt``, ``power``,
    ``clip``, ``sin``...): what the suite's schedules use is checked on every version and backend
    (``tests/schedules/test_keras_adapter.py``)."""
    if KERAS_MAJOR >= 3:
        return keras.ops
    import tensorflow.experimental.numpy as tnp

    return tnp


def _cast(x, dtype):
    if KERAS_MAJOR >= 3:
        return keras.ops.cast(x, dtype)
    import tensorflow as tf

    return tf.cast(x, dtype)


def _wide():
    """Whether the backend has 64-bit types: all but JAX without x64."""
    if KERAS_MAJOR >= 3 and keras.backend.backend() == "jax":
        import jax

        return bool(jax.config.jax_enable_x64)
    return True


def _compute_dtype():
    """float64 where the backend has it; JAX without x64 has only float32."""
    return "float64" if _wide() else "float32"


def _step_dtype():
    """int64 where the backend has it; JAX without x64 has int32 (2**31 steps, far beyond any run)."""
    return "int64" if _wide() else "int32"


@keras.utils.register_keras_serializable(package="lr_schedule_suite")
class KerasSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """A ``schedules`` schedule driven by the optimizer's 0-based iteration.

    For an epoch-unit schedule the epoch is ``iteration // steps_per_epoch``, so
    the rate holds its value within each epoch.

    Args:
        schedule: a name from ``schedules.available()``.
        params: that schedule's parameters (its ``get_config()``).
        steps_per_epoch: optimizer iterations per epoch; required for epoch-unit
            schedules, not allowed for iteration-unit ones.
    """

    def __init__(self, schedule, params, steps_per_epoch=None):
        super().__init__()
        self.schedule = schedules.get(schedule, **params)
        self.steps_per_epoch = _check_steps_per_epoch(self.schedule, steps_per_epoch)

    def __call__(self, step):
        step = _cast(step, _step_dtype())
        if self.steps_per_epoch is not None:
            step = step // self.steps_per_epoch
        rate = self.schedule._rate(_cast(step, _compute_dtype()), rate_operations())
        return _cast(rate, keras.backend.floatx())

    def get_config(self):
        return {
            "schedule": self.schedule.name,
            "params": self.schedule.get_config(),
            "steps_per_epoch": self.steps_per_epoch,
        }


def _check_steps_per_epoch(schedule, steps_per_epoch):
    if schedule.unit == "epoch":
        if steps_per_epoch is None:
            raise ValueError(
                f"Schedule {schedule.name!r} counts epochs but the optimizer counts iterations: "
                "pass steps_per_epoch=ceil(train_size / batch_size), "
                "e.g. as_keras_schedule(steps_per_epoch=391) for 50,000 images at batch 128."
            )
        from schedules._validate import positive_int

        return positive_int("steps_per_epoch", steps_per_epoch)
    if steps_per_epoch is not None:
        raise ValueError(
            f"Schedule {schedule.name!r} already counts optimizer iterations; "
            f"leave steps_per_epoch unset. Received: steps_per_epoch={steps_per_epoch!r}"
        )
    return None


def as_keras_schedule(schedule, steps_per_epoch=None):
    """``schedule`` as a serializable ``keras.optimizers.schedules.LearningRateSchedule``."""
    return KerasSchedule(schedule.name, schedule.get_config(), steps_per_epoch=steps_per_epoch)


def as_training_schedule(schedule, steps_per_epoch):
    """The optimizer schedule for a run of ``steps_per_epoch`` iterations an epoch, whatever ``schedule``'s
    unit: an epoch schedule holds its value for the epoch; an iteration schedule needs no epoch length."""
    return as_keras_schedule(schedule, steps_per_epoch=steps_per_epoch if schedule.unit == "epoch" else None)


class _EpochRate:
    """The callable ``LearningRateScheduler`` calls with ``(epoch, current_lr)``."""

    def __init__(self, schedule):
        self.schedule = schedule

    def __call__(self, epoch, lr=None):
        return self.schedule(int(epoch))


def as_callback(schedule):
    """A ``keras.callbacks.LearningRateScheduler`` that sets ``schedule(epoch)`` before each epoch."""
    if schedule.unit != "epoch":
        raise ValueError(
            f"Schedule {schedule.name!r} counts iterations; a callback sets the rate once per "
            "epoch. Use the optimizer-level adapter instead: "
            "keras.optimizers.SGD(learning_rate=s.as_keras_schedule())."
        )
    return keras.callbacks.LearningRateScheduler(_EpochRate(schedule))
