"""Source C: a dense regression network on Boston housing, constant rate vs 1cycle (REFERENCE.md s3 C).

Runs on any CPU in seconds. Run on its own: ``python -m bench.boston_housing [--seeds 5]``.

**The data set carries a known ethical problem:** feature 12 ("B") is derived from the
proportion of Black residents by town (Harrison & Rubinfeld, 1978). It is used here only
to reproduce source C's published experiment; do not take it as a recommended benchmark.

Protocol: Keras' own split of the 506 rows (``keras.datasets.boston_housing``: shuffle with
``RandomState(113)``, first 80 % = 404 rows train, last 102 validate); features
standardized with the training rows' mean and std; target MEDV in k$; mean squared error;
SGD with momentum 0.9, batch 32, 100 epochs.

Source C gives the model only as "a dense network"; this benchmark uses two hidden layers
of 64 ReLU units. Its published RMSEs (constant 17.1, 1cycle 6.27) are shown for reference
and not gated: C's constant rate is not published. Here SGD at a constant 0.01 diverges
(loss inf within 8 epochs for 2 of 3 seeds), so the constant run uses 0.001; the 1cycle run
takes ``max_lr`` from this suite's range test on the same model (one tenth of the rate
where the loss starts to climb). Always predicting the training rows' mean MEDV scores an
RMSE of 9.15 k$ on this validation split.
"""

import argparse
import time

import numpy as np

from bench import loop
from bench.records import RunResult, environment, regression_metrics_from_history, summarize_runs
from bench.vendored import verified_path

NAME = "boston_housing"
NEEDS_GPU = False

CONFIG = {
    "hidden_units": (64, 64),
    "batch_size": 32,
    "epochs": 100,
    "momentum": 0.9,
    "constant_lr": 0.001,
    "range_test": {"min_lr": 1e-6, "max_lr": 1.0, "num_iterations": 300},
    "split_seed": 113,  # keras.datasets.boston_housing's default
    "validation_fraction": 0.2,
}
SCHEDULES = ("constant", "onecycle")
PROTOCOLS = ("keras_split",)
REFERENCE_NOTE = ("boston_housing: source C published RMSE 17.1 (constant) vs 6.27 (1cycle), with a network and "
                  "constant rate it does not give; shown for reference, not gated")


def requirements(options=None):
    from schedules._keras import tensorflow_backend_reason

    reason = tensorflow_backend_reason()
    return ("backend", reason) if reason else None


def load_data():
    """``(train, val)`` in Keras' split: standardized float32 features (N, 13), MEDV (N, 1) in k$."""
    raw = np.loadtxt(verified_path("boston_housing.csv"), delimiter=",")
    x, y = raw[:, :13], raw[:, 13:]
    order = np.arange(len(x))
    np.random.RandomState(CONFIG["split_seed"]).shuffle(order)
    x, y = x[order], y[order]
    n = int(len(x) * (1 - CONFIG["validation_fraction"]))
    mean, std = x[:n].mean(axis=0), x[:n].std(axis=0)
    x = (x - mean) / std
    f32 = np.float32
    return (x[:n].astype(f32), y[:n].astype(f32)), (x[n:].astype(f32), y[n:].astype(f32))


def build_model():
    from schedules._keras import keras

    hidden = [keras.layers.Dense(units, activation="relu") for units in CONFIG["hidden_units"]]
    return keras.Sequential([keras.Input((13,)), *hidden, keras.layers.Dense(1)])


def _schedule(name, model, train_set):
    """Our schedule for ``name``; for onecycle, ``max_lr`` comes from a range test on ``model``."""
    import schedules
    from schedules._keras import keras
    from schedules.range_test import lr_range_test

    if name == "constant":
        return schedules.get("constant", lr=CONFIG["constant_lr"]), None
    if name != "onecycle":
        raise ValueError(f"Unknown {NAME} schedule {name!r}; valid: {', '.join(SCHEDULES)}")
    model.compile(optimizer=keras.optimizers.SGD(CONFIG["constant_lr"], momentum=CONFIG["momentum"]), loss="mse")
    found = lr_range_test(model, *train_set, batch_size=CONFIG["batch_size"], **CONFIG["range_test"])
    steps = CONFIG["epochs"] * -(-len(train_set[0]) // CONFIG["batch_size"])
    return schedules.get("onecycle", max_lr=found.suggested_max_lr, total_steps=steps), found


def train(schedule, seed, protocol="keras_split", on_epoch=None, options=None):
    from schedules._keras import keras

    if protocol not in PROTOCOLS:
        raise ValueError(f"Unknown protocol {protocol!r}; valid: {', '.join(PROTOCOLS)}")
    train_set, val = load_data()
    keras.utils.set_random_seed(seed)
    model = build_model()
    s, found = _schedule(schedule, model, train_set)
    steps_per_epoch = -(-len(train_set[0]) // CONFIG["batch_size"])
    rate = s.as_keras_schedule(**({"steps_per_epoch": steps_per_epoch} if s.unit == "epoch" else {}))
    optimizer = keras.optimizers.SGD(learning_rate=rate, momentum=CONFIG["momentum"])
    start = time.perf_counter()
    history = loop.train_loop(
        model, optimizer, keras.losses.MeanSquaredError(), keras.metrics.mean_absolute_error, train_set, val,
        epochs=CONFIG["epochs"], batch_size=CONFIG["batch_size"], seed=seed, metric_name="mae",
        expected_lr=lambda epoch, it: s(epoch if s.unit == "epoch" else it), on_epoch=on_epoch,
    )
    seconds = time.perf_counter() - start
    if found is not None:
        history["range_test"] = {"suggested_max_lr": found.suggested_max_lr, "stopped_early": found.stopped_early,
                                 "lrs": found.lrs.tolist(), "smoothed_losses": found.smoothed_losses.tolist()}
    return RunResult(NAME, protocol, schedule, seed, regression_metrics_from_history(history), history, seconds,
                     None, environment())


def main(argv=None):
    from bench.report import render_summary_table

    parser = argparse.ArgumentParser(description="Source C's Boston housing regression, constant vs 1cycle.")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..n-1 per schedule (default: 5)")
    args = parser.parse_args(argv)
    summaries = {}
    for name in SCHEDULES:
        runs = [train(name, seed) for seed in range(args.seeds)]
        summaries[(NAME, PROTOCOLS[0], name)] = (summarize_runs(runs), float("nan"))
    print(render_summary_table(summaries))


if __name__ == "__main__":
    main()
