"""What the image-classification benchmarks share: requirements, and one training run.

A benchmark module (``cifar10_resnet``, ``cifar10_minivggnet``, ...) keeps its own
hyper-parameters, data and model; this module turns them into a ``RunResult``.
"""

import time

from bench import loop
from bench.records import RunResult, environment, metrics_from_history


def requirements(options, gpu_reason, locate_data):
    """``(kind, reason)`` when a GPU benchmark cannot run here, else None.

    ``gpu_reason`` says why the benchmark wants a GPU; ``locate_data(options)`` raises
    the loader's ``DataUnavailable`` (message: what to put where) when its data is absent.
    """
    from schedules._keras import tensorflow_backend_reason

    reason = tensorflow_backend_reason()
    if reason:
        return ("backend", reason)
    import tensorflow as tf

    if not tf.config.list_physical_devices("GPU") and not options.allow_cpu:
        return ("gpu", f"needs a GPU ({gpu_reason}); TensorFlow sees none. "
                       "Pass --bench-allow-cpu to run it on the CPU anyway.")
    try:
        locate_data(options)
    except RuntimeError as err:  # the loaders' DataUnavailable
        return ("data", str(err))
    return None


def train(module, schedule, s, seed, protocol, train_set, val, *, optimizer_args, on_epoch, model=None,
          extra_history=None):
    """Train ``module.build_model()`` (or ``model``) with schedule ``s`` under SGD; a ``RunResult``.

    Categorical cross-entropy on one-hot labels; ``optimizer_args`` go to ``keras.optimizers.SGD``.
    """
    from schedules._keras import keras

    config = module.CONFIG
    steps_per_epoch = -(-len(train_set[0]) // config["batch_size"])
    if model is None:
        keras.utils.set_random_seed(seed)
        model = module.build_model()
    rate = s.as_keras_schedule(**({"steps_per_epoch": steps_per_epoch} if s.unit == "epoch" else {}))
    optimizer = keras.optimizers.SGD(learning_rate=rate, **optimizer_args)
    start = time.perf_counter()
    history = loop.train_loop(
        model, optimizer, keras.losses.CategoricalCrossentropy(), keras.metrics.categorical_accuracy,
        train_set, val, epochs=config["epochs"], batch_size=config["batch_size"], seed=seed,
        expected_lr=lambda epoch, it: s(epoch if s.unit == "epoch" else it), on_epoch=on_epoch,
    )
    seconds = time.perf_counter() - start
    history.update(extra_history or {})
    env = environment()
    env["epoch_time_s"] = seconds / config["epochs"]
    env["images_per_s"] = len(train_set[0]) * config["epochs"] / seconds
    return RunResult(module.NAME, protocol, schedule, seed,
                     metrics_from_history(history, config["target_accuracy"][protocol]), history, seconds,
                     float(val[1].mean(axis=0).max()), env)


def one_hot_scaled(data):
    """uint8 images to float32 in [0, 1]; integer labels (N, 1) to one-hot float32."""
    import numpy as np

    (x, y), (xt, yt) = data
    eye = np.eye(10, dtype=np.float32)
    return (x.astype(np.float32) / 255.0, eye[y[:, 0]]), (xt.astype(np.float32) / 255.0, eye[yt[:, 0]])
