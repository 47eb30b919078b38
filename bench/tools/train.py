"""Train one case of one benchmark outside pytest, in the shape of source A's train.py.

A case is a benchmark's named setting (``--case``: ionosphere's ``time`` trains the registry
schedule ``standard``); ``--schedule`` picks the case that trains a registry schedule instead.
Example (source A's step run, on ionosphere here; on CIFAR-10 where the data is):

    python -m bench train ionosphere --case step --epochs 50 \\
        --lr-plot step-lr.png --train-plot step-training.png
    python -m bench train cifar10_resnet --case linear --epochs 100 \\
        --lr-plot linear-lr.png --train-plot linear-training.png --cifar10 cifar-10-python.tar.gz

Prints per-epoch progress, then a per-class precision / recall / F1 report of the final
model on the validation set (scikit-learn's classification_report; RMSE for Boston
housing), and writes the two PNGs: the rate per epoch, and train / validation loss and
accuracy per epoch. It never overwrites a file: pass --force to replace the plots.
"""

import os
from pathlib import Path

from bench import benchmarks
from bench.benchmarks import RunOptions
from bench.engine.records import CaseId
from bench.report.plots import plot_lr, plot_training
from bench.tools import cli
from bench.tools.cli import UserError


def parser():
    p = cli.parser("train", __doc__.splitlines()[0])
    cli.add_benchmark(p)
    which = p.add_mutually_exclusive_group(required=True)
    cli.add(which, "case", "an unknown name is refused with the list", short="-c")
    which.add_argument("--schedule", "-s", help="a registry schedule: trains the benchmark's one case that uses it")
    p.add_argument(
        "--epochs", "-e", type=int, default=None, help="epochs to train (default: the benchmark's published number)"
    )
    p.add_argument("--lr-plot", "-l", default="lr.png", help="PNG of the learning rate per epoch (default: lr.png)")
    p.add_argument(
        "--train-plot", "-t", default="training.png", help="PNG of loss and accuracy per epoch (default: training.png)"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed, keras.utils.set_random_seed (default: 0)")
    cli.add(p, "protocol", "its data split and training (default: the benchmark's first)", default=None)
    p.add_argument(
        "--cifar10",
        default=None,
        help="offline CIFAR-10 archive or folder (default: $LR_SUITE_CIFAR10, else Keras' cache)",
    )
    p.add_argument(
        "--fashion-mnist",
        default=None,
        help="offline Fashion-MNIST folder (default: $LR_SUITE_FASHION_MNIST, else Keras' cache)",
    )
    p.add_argument("--allow-cpu", action="store_true", help="run a GPU benchmark on the CPU (default: refuse)")
    p.add_argument("--force", action="store_true", help="overwrite existing plot files (default: refuse)")
    return p


def case_for(p, benchmark, args):
    """The case ``--case`` names, or the one case that trains ``--schedule``; a usage error otherwise."""
    cases = list(benchmark.cases)
    if args.case is not None:
        if args.case not in cases:
            raise UserError(f"--case {args.case!r} is not a case of {benchmark.name}; choose from {', '.join(cases)}")
        return args.case
    using = [name for name, case in benchmark.cases.items() if case.schedule == args.schedule]
    if len(using) != 1:
        trained = sorted({case.schedule for case in benchmark.cases.values()})
        raise UserError(
            f"--schedule {args.schedule!r}: {benchmark.name} has {len(using)} cases that train it"
            + (
                f" ({', '.join(using)}); pick one with --case"
                if using
                else f"; it trains {', '.join(trained)}, or pick a case with --case ({', '.join(cases)})"
            )
        )
    return using[0]


def main(argv=None):
    p = parser()
    args = p.parse_args(argv)
    benchmark = benchmarks.get(args.benchmark)
    case = case_for(p, benchmark, args)
    protocol = args.protocol or benchmark.protocols[0]
    if protocol not in benchmark.protocols:
        raise UserError(
            f"--protocol {protocol!r} is not a {args.benchmark} protocol; choose from {', '.join(benchmark.protocols)}"
        )
    if args.epochs is not None and args.epochs < 1:
        raise UserError(f"--epochs must be >= 1. Received: --epochs={args.epochs}")
    for flag, path in (("--lr-plot", args.lr_plot), ("--train-plot", args.train_plot)):
        if Path(path).exists() and not args.force:
            raise UserError(f"{flag} {path} exists; choose another file or pass --force to overwrite it")
        folder = Path(path).resolve().parent  # checked now, not after the whole training
        if not folder.is_dir():
            raise UserError(f"{flag} {path}: folder {folder} does not exist; create it or choose another path")
        if not os.access(folder, os.W_OK):
            raise UserError(f"{flag} {path}: folder {folder} is not writable; choose another path")
    options = RunOptions(
        cifar10=args.cifar10,
        fashion_mnist=args.fashion_mnist,
        allow_cpu=args.allow_cpu,
        keep_predictions=True,
        epochs=args.epochs,
    )
    missing = benchmark.unmet(options)
    if missing:
        hint = " Pass --allow-cpu to run it on the CPU anyway." if missing[0] == "gpu" else ""
        raise UserError(f"cannot run {args.benchmark}: {missing[1]}{hint}")
    epochs = benchmark.epochs(options)

    def progress(epoch, record):
        metric = next(k for k in record if k.startswith("val_") and k != "val_loss")
        print(
            f"epoch {epoch + 1}/{epochs}: lr {record['lr']:.6g}  loss {record['train_loss']:.4f}  "
            f"val_loss {record['val_loss']:.4f}  {metric} {record[metric]:.4f}",
            flush=True,
        )

    run = benchmark.train(case, args.seed, protocol, on_epoch=progress, options=options)
    print()
    print(report_text(benchmark, run))
    title = f"{CaseId(args.benchmark, protocol, case)} (seed {args.seed})"
    print(f"wrote {plot_lr([run.history], args.lr_plot, title)}")
    print(f"wrote {plot_training([run.history], args.train_plot, title)}")
    return 0


def report_text(benchmark, run):
    """Per-class precision / recall / F1 for classifiers; RMSE for a regression."""
    if "val_predicted" not in run.history:
        return f"final validation RMSE: {run.metrics['final_val_rmse']:.3f} k$"
    from sklearn.metrics import classification_report

    names = list(benchmark.class_names)
    return classification_report(
        run.history["val_true"],
        run.history["val_predicted"],
        labels=list(range(len(names))),
        target_names=names,
        digits=4,
        zero_division=0,
    )


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
