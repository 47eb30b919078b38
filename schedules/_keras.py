"""The public Keras API of this environment, and its major version.

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


def tensorflow_backend_reason():
    """None when Keras runs on TensorFlow, else why TensorFlow-only code cannot run."""
    if BACKEND == "tensorflow":
        return None
    return (f"needs Keras on the TensorFlow backend; this is Keras {VERSION} on {BACKEND!r} "
            "(set KERAS_BACKEND=tensorflow with TensorFlow installed)")


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
