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
          extra_history=None, keep_predictions=False):
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
        keep_predictions=keep_predictions,
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


def schedule_for(module, name):
    """Our schedule for one of ``module.SCHEDULES``' named runs (``{name: (kind, params)}``)."""
    import schedules

    if name not in module.SCHEDULES:
        raise ValueError(f"Unknown {module.NAME} schedule {name!r}; valid: {', '.join(module.SCHEDULES)}")
    kind, params = module.SCHEDULES[name]
    return schedules.get(kind, **params)


def check_protocol(module, protocol):
    if protocol not in module.PROTOCOLS:
        raise ValueError(f"Unknown protocol {protocol!r}; valid: {', '.join(module.PROTOCOLS)}")


def main(module, description, argv=None):
    """``python -m bench.<module>``: n seeds of every schedule, then a summary table.

    The module's ``DATA_OPTION`` ("cifar10" or "fashion_mnist") names its data flag.
    """
    import argparse
    from types import SimpleNamespace

    from bench.records import summarize_runs
    from bench.report import render_summary_table

    flag = module.DATA_OPTION.replace("_", "-")
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seeds", type=int, default=1, help="seeds 0..n-1 per schedule (default: 1)")
    parser.add_argument(f"--{flag}", default=None,
                        help="offline copy of the data (default: its environment variable, else Keras' cache)")
    parser.add_argument("--allow-cpu", action="store_true", help="run without a GPU (default: refuse)")
    args = parser.parse_args(argv)
    options = SimpleNamespace(allow_cpu=args.allow_cpu, cifar10=None, fashion_mnist=None)
    setattr(options, module.DATA_OPTION, getattr(args, module.DATA_OPTION))
    missing = module.requirements(options)
    if missing:
        parser.exit(2, f"cannot run: {missing[1]}\n")
    summaries = {}
    for name in module.SCHEDULES:
        runs = [module.train(name, seed, module.PROTOCOLS[0], options=options) for seed in range(args.seeds)]
        summaries[(module.NAME, module.PROTOCOLS[0], name)] = (summarize_runs(runs), runs[0].majority_rate)
    print(render_summary_table(summaries))
