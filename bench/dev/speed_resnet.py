"""Source A's ResNet: images/s of the suite's training loop beside ``model.fit``'s, same model, batch and data.

Run: ``python -m bench.dev speed resnet [--config full|tiny] [--images 1024] [--epochs 3] [--xla] [--mixed-precision]
[--runners both|suite]``

Both sides train the benchmark's model (SGD momentum 0.9, step decay, batch 128) on the same
random 32x32x3 images, in one process, one after the other, each from a freshly built model:

  suite   ``bench.engine.loop.train_loop``: each epoch one compiled call, data on the device
  fit     ``model.fit(x, y, batch_size=128)`` with the same optimizer, loss and metric; its
          ``jit_compile`` set to what the suite uses (``--xla``), so both compile alike

Each epoch is timed with ``time.perf_counter`` (fit: from a callback at each epoch's end); the
first epoch includes tracing and is not counted; the figure is the median of the others.
images/s = training images / epoch wall time; the 50,000-image epoch is extrapolated from it.
Targets: suite / fit >= 1.0 on a CPU; on one H100 with ``--xla --mixed-precision``, <= 10 s per
50,000-image epoch of the full model (published: about 171 s on the author's GPU).
"""

import resource
import time

import numpy as np
from tabulate import tabulate

from bench.benchmarks import cifar10_resnet as resnet
from bench.engine import flops, loop, precision
from bench.engine.records import environment
from bench.tools import cli
from bench.tools.cli import UserError

TINY = {"stages": (1, 1, 1), "filters": (8, 8, 16, 32)}
TARGET_RATIO = 1.0


def _setup(images, seed, mixed):
    from schedules.backend import keras

    rng = np.random.default_rng(seed)
    x = rng.random((images, 32, 32, 3), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, images)]
    keras.utils.set_random_seed(seed)
    with precision.policy(mixed):
        model = resnet.build_model()
    s = resnet.BENCHMARK.case("step").build()
    opt = keras.optimizers.SGD(
        s.as_keras_schedule(steps_per_epoch=-(-images // resnet.CONFIG["batch_size"])), momentum=0.9
    )
    return x, y, model, precision.wrap(opt, mixed)


def _figures(model, images, stamps):
    epoch_s = float(np.median(np.diff(stamps)[1:]))
    return {
        "params": model.count_params(),
        "gflop_per_image": flops.training_flops(model) / 1e9,
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "images": images,
        "epoch_s": epoch_s,
        "images_per_s": images / epoch_s,
        "epoch_50k_s": 50_000 / (images / epoch_s),
    }


def measure_suite(images, epochs, xla=False, mixed=False, seed=0):
    from schedules.backend import keras

    x, y, model, opt = _setup(images, seed, mixed)
    stamps = [time.perf_counter()]
    loop.train_loop(
        model,
        opt,
        keras.losses.CategoricalCrossentropy(),
        keras.metrics.categorical_accuracy,
        (x, y),
        (x[:256], y[:256]),
        epochs=epochs,
        batch_size=resnet.CONFIG["batch_size"],
        seed=seed,
        on_epoch=lambda e, r: stamps.append(time.perf_counter()),
        xla=xla,
    )
    return _figures(model, images, stamps)


def measure_fit(images, epochs, xla=False, mixed=False, seed=0):
    from schedules.backend import keras

    x, y, model, opt = _setup(images, seed, mixed)
    model.compile(
        optimizer=opt,
        loss=keras.losses.CategoricalCrossentropy(),
        metrics=[keras.metrics.categorical_accuracy],
        jit_compile=xla,
    )
    stamps = [time.perf_counter()]
    model.fit(
        x,
        y,
        batch_size=resnet.CONFIG["batch_size"],
        epochs=epochs,
        validation_data=(x[:256], y[:256]),
        verbose=0,
        callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: stamps.append(time.perf_counter()))],
    )
    return _figures(model, images, stamps)


def main(argv=None):
    parser = cli.parser("speed resnet", __doc__.splitlines()[0], prog=cli.DEV_PROG)
    parser.add_argument(
        "--config",
        choices=["full", "tiny"],
        default="tiny",
        help="full: stages (9, 9, 9); tiny: (1, 1, 1) with filters (8, 8, 16, 32) (default: tiny)",
    )
    parser.add_argument("--images", type=int, default=1024, help="training images per epoch (default: 1024)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs; the first is not counted (default: 3)")
    parser.add_argument("--xla", action="store_true", help="compile with XLA, both sides (default: off)")
    parser.add_argument("--mixed-precision", action="store_true", help="mixed_float16, both sides (default: off)")
    parser.add_argument(
        "--runners",
        choices=["both", "suite"],
        default="both",
        help="both: the suite's loop and model.fit; suite: the suite's loop alone (default: both)",
    )
    args = parser.parse_args(argv)
    if args.epochs < 2:
        raise UserError(f"--epochs must be >= 2 (the first is tracing). Received: --epochs={args.epochs}")
    resnet.CONFIG.update(TINY if args.config == "tiny" else {})
    rows = {}
    runners = (("suite", measure_suite), ("fit", measure_fit))[: 1 if args.runners == "suite" else 2]
    for name, measure in runners:
        rows[name] = measure(args.images, args.epochs, xla=args.xla, mixed=args.mixed_precision)
    env = environment()
    print(
        f"ResNet ({args.config}) on synthetic CIFAR-shaped data, batch {resnet.CONFIG['batch_size']}; "
        f"XLA {'on' if args.xla else 'off'}, {'mixed_float16' if args.mixed_precision else 'float32'}; "
        f"TF {env.get('tensorflow')} / Keras {env.get('keras')}, {env['device']}; median of epochs 2..{args.epochs}, "
        "wall time"
    )
    print(
        tabulate(
            [
                [
                    name,
                    f"{r['params']:,}",
                    f"{r['gflop_per_image']:.3f}",
                    r["images"],
                    f"{r['epoch_s']:.2f}",
                    f"{r['images_per_s']:.0f}",
                    f"{r['epoch_50k_s']:.0f}",
                    f"{r['peak_rss_gib']:.2f}",
                ]
                for name, r in rows.items()
            ],
            headers=[
                "runner",
                "parameters",
                "training GFLOP/image",
                "images/epoch",
                "epoch s",
                "images/s",
                "50k-image epoch s (extrap.)",
                "peak RSS GiB (process, so far)",
            ],
            disable_numparse=True,
        )
    )
    suite = rows["suite"]
    print(
        f"training FLOPs: {suite['gflop_per_image']:.3f} GFLOP per image ({flops.TRAINING_FACTOR} forward passes of "
        f"its convolutions and dense layer, bench/engine/flops.py) = {suite['gflop_per_image'] * 50_000 / 1e3:.1f} "
        f"TFLOP per 50,000-image epoch; this machine sustained {suite['gflop_per_image'] * suite['images_per_s']:.1f} "
        "GFLOP/s"
    )
    if "fit" not in rows:
        return 0
    ratio = rows["suite"]["images_per_s"] / rows["fit"]["images_per_s"]
    print(
        f"suite / fit images/s: {rows['suite']['images_per_s']:.0f} / {rows['fit']['images_per_s']:.0f} = "
        f"{ratio:.2f}x (target >= {TARGET_RATIO:.1f}x: {'met' if ratio >= TARGET_RATIO else 'NOT met'})"
    )


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
