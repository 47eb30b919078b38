"""The Keras in use, for the adapters and for ``bench/``: its public API (``keras``), major version
(``MAJOR``), backend (``BACKEND``), the GPUs it sees, why a backend cannot train, and the rate an
optimizer applies now (``current_lr``).

Keras 3 is ``import keras``, on any backend. Under Keras 2 (TensorFlow 2.12-2.15) the
standalone ``keras`` 2.x package does not export the whole public API at its top level
(``keras.optimizers.schedules.LearningRateSchedule`` is missing in 2.12): there the
public API is ``tf.keras``.
"""

import keras

VERSION = keras.__version__  # tf.keras (TF 2.15) has no __version__ of its own
MAJOR = int(VERSION.split(".")[0])

if MAJOR < 3:
    from tensorflow import keras  # noqa: F811


BACKEND = keras.backend.backend() if MAJOR >= 3 else "tensorflow"


TRAINING_BACKENDS = ("tensorflow", "jax", "torch")  # where the suite's engines train (bench.engine)


def training_backend_reason():
    """None when the suite can train on this Keras, else why not."""
    if BACKEND in TRAINING_BACKENDS:
        return None
    return (
        f"the suite trains on Keras' {', '.join(TRAINING_BACKENDS)} backends; this is Keras {VERSION} on "
        f"{BACKEND!r} (set KERAS_BACKEND to one of them)"
    )


def gpus():
    """How many GPUs the backend sees."""
    if BACKEND == "jax":
        import jax

        return sum(d.platform == "gpu" for d in jax.devices())
    if BACKEND == "torch":
        import torch

        return torch.cuda.device_count()
    import tensorflow as tf

    return len(tf.config.list_physical_devices("GPU"))


def tensorflow_backend_reason():
    """None when Keras runs on TensorFlow, else why TensorFlow-only code cannot run."""
    if BACKEND == "tensorflow":
        return None
    return (
        f"needs Keras on the TensorFlow backend; this is Keras {VERSION} on {BACKEND!r} "
        "(set KERAS_BACKEND=tensorflow with TensorFlow installed)"
    )


def current_lr(optimizer):
    """The rate the optimizer applies at its next iteration, as a Python float.

    With a schedule this evaluates the optimizer's own schedule at its own iteration
    counter: under Keras 2 (TF 2.11-2.15) ``optimizer.learning_rate`` is a variable
    refreshed inside ``apply_gradients``, one iteration stale until the next batch.
    """
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # under mixed precision's loss scaling
    schedule = getattr(optimizer, "_learning_rate", None)
    if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
        lr = schedule(optimizer.iterations)
    else:
        lr = optimizer.learning_rate
    return float(lr.numpy() if hasattr(lr, "numpy") else lr)
