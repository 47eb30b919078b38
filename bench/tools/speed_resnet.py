"""Source A's ResNet: epoch time and images/s, on synthetic CIFAR-shaped data.

Run: ``python -m bench speed_resnet [--config full|tiny] [--images 1024] [--epochs 2]``

Trains the benchmark's model with the suite's loop (``bench/engine/loop.py``: SGD, batch 128,
step decay) on random 32x32x3 images, and times each epoch with ``time.perf_counter``.
The first epoch includes tracing; the figures come from the later ones. images/s =
training images / epoch wall time; the 50,000-image epoch time is extrapolated from it.
Published: about 171 s per epoch on the author's GPU. Target: <= 10 s on one H100.
"""

import argparse
import time

import numpy as np
from tabulate import tabulate

from bench.benchmarks import cifar10_resnet as resnet
from bench.engine import loop
from bench.engine.records import environment

TINY = {"stages": (1, 1, 1), "filters": (8, 8, 16, 32)}


def measure(config, images, epochs, seed=0):
    from schedules._keras import keras

    resnet.CONFIG.update(config)
    rng = np.random.default_rng(seed)
    x = rng.random((images, 32, 32, 3), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, images)]
    keras.utils.set_random_seed(seed)
    model = resnet.build_model()
    s = resnet.BENCHMARK.case("step").build()
    opt = keras.optimizers.SGD(s.as_keras_schedule(steps_per_epoch=-(-images // 128)), momentum=0.9)
    stamps = [time.perf_counter()]
    loop.train_loop(model, opt, keras.losses.CategoricalCrossentropy(), keras.metrics.categorical_accuracy,
                    (x, y), (x[:256], y[:256]), epochs=epochs, batch_size=resnet.CONFIG["batch_size"], seed=seed,
                    on_epoch=lambda e, r: stamps.append(time.perf_counter()))
    epoch_s = float(np.median(np.diff(stamps)[1:]))
    return {"params": model.count_params(), "images": images, "epoch_s": epoch_s, "images_per_s": images / epoch_s,
            "epoch_50k_s": 50_000 / (images / epoch_s)}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench speed_resnet", description=__doc__.splitlines()[0])
    parser.add_argument("--config", choices=["full", "tiny"], default="tiny",
                        help="full: stages (9, 9, 9); tiny: (1, 1, 1) with filters (8, 8, 16, 32) (default: tiny)")
    parser.add_argument("--images", type=int, default=1024, help="training images per epoch (default: 1024)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs; the first is not counted (default: 3)")
    args = parser.parse_args(argv)
    r = measure(TINY if args.config == "tiny" else {}, args.images, args.epochs)
    env = environment()
    print(f"ResNet ({args.config}) on synthetic CIFAR-shaped data; TF {env.get('tensorflow')} / Keras {env.get('keras')}, "
          f"{env['device']}; median of epochs 2..{args.epochs}, wall time")
    print(tabulate([[args.config, f"{r['params']:,}", r["images"], f"{r['epoch_s']:.2f}", f"{r['images_per_s']:.0f}",
                     f"{r['epoch_50k_s']:.0f}"]],
                   headers=["config", "parameters", "images/epoch", "epoch s", "images/s", "50k-image epoch s (extrap.)"],
                   disable_numparse=True))


if __name__ == "__main__":
    main()
