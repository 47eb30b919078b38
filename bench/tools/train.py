"""Train one benchmark with one schedule outside pytest, in the shape of source A's train.py.

Example (source A's step run, on ionosphere here; on CIFAR-10 where the data is):

    python -m bench train --benchmark ionosphere --schedule step --epochs 50 \\
        --lr-plot step-lr.png --train-plot step-training.png
    python -m bench train --benchmark cifar10_resnet --schedule linear --epochs 100 \\
        --lr-plot linear-lr.png --train-plot linear-training.png --cifar10 cifar-10-python.tar.gz

Prints per-epoch progress, then a per-class precision / recall / F1 report of the final
model on the validation set (scikit-learn's classification_report; RMSE for Boston
housing), and writes the two PNGs: the rate per epoch, and train / validation loss and
accuracy per epoch. It never overwrites a file: pass --force to replace the plots.
"""

import argparse
import os
import sys
from pathlib import Path

from bench import benchmarks
from bench.benchmarks import RunOptions
from bench.report.plots import plot_lr, plot_training


def parser():
    p = argparse.ArgumentParser(prog="python -m bench train", description=__doc__.splitlines()[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--benchmark", required=True, choices=benchmarks.names(), help="which experiment")
    p.add_argument("--schedule", "-s", required=True,
                   help="one of the benchmark's cases (an unknown name is refused with the list)")
    p.add_argument("--epochs", "-e", type=int, default=None,
                   help="epochs to train; none: the benchmark's published number")
    p.add_argument("--lr-plot", "-l", default="lr.png", help="PNG of the learning rate per epoch")
    p.add_argument("--train-plot", "-t", default="training.png", help="PNG of loss and accuracy per epoch")
    p.add_argument("--seed", type=int, default=0, help="random seed (keras.utils.set_random_seed)")
    p.add_argument("--protocol", default=None, help="data protocol; none: the benchmark's first")
    p.add_argument("--cifar10", default=None, help="offline CIFAR-10 archive or folder; none: "
                                                   "$LR_SUITE_CIFAR10, else Keras' cache")
    p.add_argument("--fashion-mnist", default=None, help="offline Fashion-MNIST folder; none: "
                                                         "$LR_SUITE_FASHION_MNIST, else Keras' cache")
    p.add_argument("--allow-cpu", action="store_true", help="run a GPU benchmark on the CPU")
    p.add_argument("--force", action="store_true", help="overwrite existing plot files")
    return p


def main(argv=None):
    p = parser()
    args = p.parse_args(argv)
    benchmark = benchmarks.get(args.benchmark)
    schedules = list(benchmark.schedules)
    if args.schedule not in schedules:
        p.error(f"--schedule {args.schedule!r} is not a {args.benchmark} schedule; choose from {', '.join(schedules)}")
    protocol = args.protocol or benchmark.protocols[0]
    if protocol not in benchmark.protocols:
        p.error(f"--protocol {protocol!r} is not a {args.benchmark} protocol; "
                f"choose from {', '.join(benchmark.protocols)}")
    if args.epochs is not None and args.epochs < 1:
        p.error(f"--epochs must be >= 1. Received: --epochs={args.epochs}")
    for flag, path in (("--lr-plot", args.lr_plot), ("--train-plot", args.train_plot)):
        if Path(path).exists() and not args.force:
            p.error(f"{flag} {path} exists; choose another file or pass --force to overwrite it")
        folder = Path(path).resolve().parent  # checked now, not after the whole training
        if not folder.is_dir():
            p.error(f"{flag} {path}: folder {folder} does not exist; create it or choose another path")
        if not os.access(folder, os.W_OK):
            p.error(f"{flag} {path}: folder {folder} is not writable; choose another path")
    options = RunOptions(cifar10=args.cifar10, fashion_mnist=args.fashion_mnist, allow_cpu=args.allow_cpu,
                         keep_predictions=True, epochs=args.epochs)
    missing = benchmark.unmet(options)
    if missing:
        hint = " Pass --allow-cpu to run it on the CPU anyway." if missing[0] == "gpu" else ""
        p.exit(2, f"cannot run {args.benchmark}: {missing[1]}{hint}\n")
    epochs = benchmark.epochs(options)

    def progress(epoch, record):
        metric = next(k for k in record if k.startswith("val_") and k != "val_loss")
        print(f"epoch {epoch + 1}/{epochs}: lr {record['lr']:.6g}  loss {record['train_loss']:.4f}  "
              f"val_loss {record['val_loss']:.4f}  {metric} {record[metric]:.4f}", flush=True)

    run = benchmark.train(args.schedule, args.seed, protocol, on_epoch=progress, options=options)
    print()
    print(report_text(benchmark, run))
    title = f"{args.benchmark} / {protocol} / {args.schedule} (seed {args.seed})"
    print(f"wrote {plot_lr([run.history], args.lr_plot, title)}")
    print(f"wrote {plot_training([run.history], args.train_plot, title)}")
    return 0


def report_text(benchmark, run):
    """Per-class precision / recall / F1 for classifiers; RMSE for a regression."""
    if "val_predicted" not in run.history:
        return f"final validation RMSE: {run.metrics['final_val_rmse']:.3f} k$"
    from sklearn.metrics import classification_report

    names = list(benchmark.class_names)
    return classification_report(run.history["val_true"], run.history["val_predicted"],
                                 labels=list(range(len(names))), target_names=names, digits=4, zero_division=0)


if __name__ == "__main__":
    sys.exit(main())
