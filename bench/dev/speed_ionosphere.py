"""How long the full ionosphere benchmark takes: this suite's runner against plain model.fit.

Run: ``python -m bench.dev speed ionosphere [--seeds 5]``

Times, in one process, 4 schedules x n seeds x 50 epochs of source D's protocol
(published split, batch 28) four ways:

  suite               what ``pytest -m slow`` runs: each case's n seeds trained together
                      (``Benchmark.run``, ``bench.engine.stacked``; data load, checksum, wiring
                      checks and tracing included)
  suite, one at a time  ``--bench-engine=keras``: one seed at a time, each epoch one compiled
                      call (``bench.engine.loop``)
  fit, same batches   ``model.fit`` on exactly the same batches (``compiled.fit_in_same_order``)
  fit, plain          ``model.fit(x, y, validation_split=0.33, shuffle=True)``, as published

and prints wall seconds (``time.perf_counter``) and how many times the suite's time each
one takes. TensorFlow and Keras are imported once before any runner is timed (the import
time is printed on its own). Target: plain fit >= 20x the suite's time.
"""

import time

import numpy as np
from tabulate import tabulate

from bench.benchmarks import RunOptions
from bench.benchmarks import ionosphere as io
from bench.engine import compiled
from bench.tools import cli

TARGET = 20.0  # plain fit's time / the suite's, at least


def _model_and_optimizer(case, seed):
    from schedules.backend import keras

    keras.utils.set_random_seed(seed)
    declared = io.BENCHMARK.case(case)
    s = declared.build()
    return io.build_model(), keras.optimizers.SGD(s.as_training_schedule(steps_per_epoch=9), **declared.optimizer)


def run_suite(case, seeds):
    return [r.metrics["final_val_accuracy"] for r in io.BENCHMARK.run(case, seeds, "published")]


def run_one_at_a_time(case, seeds):
    return [
        io.BENCHMARK.train(case, seed, "published", options=RunOptions(engine="keras")).metrics["final_val_accuracy"]
        for seed in seeds
    ]


def run_fit_same(case, seed):
    from schedules.backend import keras

    x, y = io.load_data()
    train, val = io.split(x, y, "published", seed)
    model, opt = _model_and_optimizer(case, seed)
    h = compiled.fit_in_same_order(
        model,
        opt,
        keras.losses.BinaryCrossentropy(),
        keras.metrics.binary_accuracy,
        train,
        val,
        epochs=io.CONFIG["epochs"],
        batch_size=io.CONFIG["batch_size"],
        seed=seed,
    )
    return h["val_accuracy"][-1]


def run_fit_plain(case, seed):
    x, y = io.load_data()
    model, opt = _model_and_optimizer(case, seed)
    model.compile(optimizer=opt, loss="binary_crossentropy", metrics=["accuracy"])
    h = model.fit(
        x,
        y,
        validation_split=io.CONFIG["validation_fraction"],
        batch_size=io.CONFIG["batch_size"],
        epochs=io.CONFIG["epochs"],
        shuffle=True,
        verbose=0,
    )
    return h.history["val_accuracy"][-1]


def _each_seed(runner):
    return lambda case, seeds: [runner(case, seed) for seed in seeds]


RUNNERS = {
    "suite (seeds together)": run_suite,
    "suite, one seed at a time": run_one_at_a_time,
    "fit, same batches": _each_seed(run_fit_same),
    "fit, plain (published)": _each_seed(run_fit_plain),
}


def measure(seeds):
    records = []
    for label, runner in RUNNERS.items():
        start = time.perf_counter()
        accs = [acc for case in io.CASES for acc in runner(case, list(range(seeds)))]
        records.append(
            {
                "runner": label,
                "runs": len(accs),
                "total_s": time.perf_counter() - start,
                "mean_final_val_accuracy": float(np.mean(accs)),
            }
        )
    return records


def render(records):
    suite_s = records[0]["total_s"]
    rows = [
        [
            r["runner"],
            r["runs"],
            f"{r['total_s']:.1f}",
            f"{r['total_s'] / r['runs']:.2f}",
            f"{r['total_s'] / suite_s:.1f}x",
            f"{r['mean_final_val_accuracy']:.4f}",
        ]
        for r in records
    ]
    return tabulate(
        rows,
        headers=["runner", "runs", "total s", "s per run", "time vs suite", "mean final val acc"],
        disable_numparse=True,
    )


def main(argv=None):
    parser = cli.parser("speed ionosphere", __doc__.splitlines()[0], prog=cli.DEV_PROG)
    cli.add(parser, "seeds", "(default: 5)", type=int, default=5)
    args = parser.parse_args(argv)
    from bench.engine.records import environment

    start = time.perf_counter()
    from schedules.backend import keras  # noqa: F401  (imports TensorFlow)

    imported = time.perf_counter() - start
    env = environment()
    print(f"TensorFlow + Keras import: {imported:.1f} s, once, not counted below")
    print(
        f"ionosphere, 4 schedules x {args.seeds} seeds x {io.CONFIG['epochs']} epochs, published split; "
        f"TF {env.get('tensorflow')} / Keras {env.get('keras')}, {env['device']}; wall time, one process"
    )
    records = measure(args.seeds)
    print(render(records))
    ratio = records[-1]["total_s"] / records[0]["total_s"]
    print(
        f"plain fit / suite: {records[-1]['total_s']:.1f} s / {records[0]['total_s']:.1f} s = {ratio:.1f}x "
        f"(target >= {TARGET:.0f}x: {'met' if ratio >= TARGET else 'NOT met'})"
    )


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
