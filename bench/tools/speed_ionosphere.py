"""How long the full ionosphere benchmark takes: this suite's runner against plain model.fit.

Run: ``python -m bench speed_ionosphere [--seeds 5]``

Times, in one process, 4 schedules x n seeds x 50 epochs of source D's protocol
(published split, batch 28) three ways:

  suite         ``bench.benchmarks.ionosphere.train``: what ``pytest -m slow`` runs (data load,
                checksum, wiring checks and tracing included)
  fit, same     ``model.fit`` on exactly the same batches (``bench.engine.loop.fit_in_same_order``)
  fit, plain    ``model.fit(x, y, validation_split=0.33, shuffle=True)``, as published

and prints wall seconds (``time.perf_counter``) and each figure's ratio to the suite's.
Target: the suite's total <= 60 s on a 2-core CPU.
"""

import argparse
import time

import numpy as np
from tabulate import tabulate

from bench.benchmarks import ionosphere as io
from bench.engine import loop


def _model_and_optimizer(schedule, seed):
    from schedules._keras import keras

    keras.utils.set_random_seed(seed)
    case = io.BENCHMARK.case(schedule)
    s = case.build()
    spe = {"steps_per_epoch": 9} if s.unit == "epoch" else {}
    return io.build_model(), keras.optimizers.SGD(s.as_keras_schedule(**spe), **case.optimizer)


def run_suite(schedule, seed):
    return io.train(schedule, seed, "published").metrics["final_val_accuracy"]


def run_fit_same(schedule, seed):
    from schedules._keras import keras

    x, y = io.load_data()
    train, val = io.split(x, y, "published", seed)
    model, opt = _model_and_optimizer(schedule, seed)
    h = loop.fit_in_same_order(model, opt, keras.losses.BinaryCrossentropy(), keras.metrics.binary_accuracy,
                               train, val, epochs=io.CONFIG["epochs"], batch_size=io.CONFIG["batch_size"],
                               seed=seed)
    return h["val_accuracy"][-1]


def run_fit_plain(schedule, seed):
    x, y = io.load_data()
    model, opt = _model_and_optimizer(schedule, seed)
    model.compile(optimizer=opt, loss="binary_crossentropy", metrics=["accuracy"])
    h = model.fit(x, y, validation_split=io.CONFIG["validation_fraction"], batch_size=io.CONFIG["batch_size"],
                  epochs=io.CONFIG["epochs"], shuffle=True, verbose=0)
    return h.history["val_accuracy"][-1]


RUNNERS = {"suite": run_suite, "fit, same batches": run_fit_same, "fit, plain (published)": run_fit_plain}


def measure(seeds):
    records = []
    for label, runner in RUNNERS.items():
        start = time.perf_counter()
        accs = [runner(schedule, seed) for schedule in io.SCHEDULES for seed in range(seeds)]
        records.append({"runner": label, "runs": len(accs), "total_s": time.perf_counter() - start,
                        "mean_final_val_accuracy": float(np.mean(accs))})
    return records


def render(records):
    suite_s = records[0]["total_s"]
    rows = [[r["runner"], r["runs"], f"{r['total_s']:.1f}", f"{r['total_s'] / r['runs']:.2f}",
             f"{r['total_s'] / suite_s:.1f}x", f"{r['mean_final_val_accuracy']:.4f}"] for r in records]
    return tabulate(rows, headers=["runner", "runs", "total s", "s per run", "time vs suite",
                                   "mean final val acc"], disable_numparse=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench speed_ionosphere", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds per schedule (default: 5)")
    args = parser.parse_args(argv)
    from bench.engine.records import environment

    env = environment()
    print(f"ionosphere, 4 schedules x {args.seeds} seeds x {io.CONFIG['epochs']} epochs, published split; "
          f"TF {env.get('tensorflow')} / Keras {env.get('keras')}, {env['device']}; wall time, one process")
    print(render(measure(args.seeds)))


if __name__ == "__main__":
    main()
