"""Synthetic stand-ins for CIFAR-10 and Fashion-MNIST in their real on-disk formats, for quick passes.

A quick pass (``pytest -m slow --bench-quick``, docs/tests.md#the-quick-pass) trains every case a few
steps through the real loaders; where the real files are not on the machine it writes these and
reads them back exactly as it would read the real ones. Each folder holds ``synthetic.json``: what
wrote it, its rows and every file's checksum. The Fashion-MNIST loader checks such a folder against
those checksums (the published ones cannot match), and a session that judges refuses it
(``bench.benchmarks.spec.data``): only a quick pass trains on synthetic files.

The images are noise with the class written into them (CIFAR-10: the red channel of the top rows;
Fashion-MNIST: the top rows' brightness), so a few steps can already lower the loss.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from bench.data.manifest import MANIFEST

TRAIN_ROWS, TEST_ROWS = 320, 100  # more than QUICK's three batches of 32 rows and its validation rows


def write_cifar10(folder, train_rows=TRAIN_ROWS, test_rows=TEST_ROWS, seed=0):
    """A ``cifar-10-batches-py/`` folder under ``folder`` (``data_batch_1..5``, ``test_batch``); returns it."""
    from bench.data import cifar10

    if train_rows % 5:
        raise ValueError(
            f"Argument `train_rows` must be a multiple of 5 (five training batches). Received: train_rows={train_rows}"
        )
    images, labels = _images(train_rows + test_rows, (32, 32, 3), seed)
    images[:, :4, :, 0] = (labels * 25)[:, None, None]
    out = cifar10.write_batches(Path(folder) / cifar10.FOLDER, images, labels, per_batch=train_rows // 5)
    _manifest(out, "CIFAR-10", train_rows, test_rows, seed, md5=None)
    return out


def write_fashion_mnist(folder, train_rows=TRAIN_ROWS, test_rows=TEST_ROWS, seed=0):
    """The four gzip'ed IDX files in ``folder``; returns it."""
    from bench.data import fashion_mnist

    images, labels = _images(train_rows + test_rows, (28, 28), seed)
    images[:, :4, :] = (labels * 25)[:, None, None]
    sums = fashion_mnist.write_files(
        folder, (images[:train_rows], labels[:train_rows]), (images[train_rows:], labels[train_rows:])
    )
    _manifest(Path(folder), "Fashion-MNIST", train_rows, test_rows, seed, md5=sums)
    return Path(folder)


# RunOptions field (a benchmark's ``data_option``) -> the writer of its synthetic stand-in.
WRITERS = {"cifar10": write_cifar10, "fashion_mnist": write_fashion_mnist}


def write_once(option, folder):
    """The synthetic stand-in for ``option`` (a ``WRITERS`` key) in ``folder``: written there if it is not
    yet (into a temporary sibling, then renamed, so processes writing at once leave one whole copy), and
    the path its loader takes (``locate`` finds the data under it)."""
    folder = Path(folder)
    if not (folder / ".complete").is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        WRITERS[option](scratch)
        (scratch / ".complete").write_text("")
        try:
            os.rename(scratch, folder)
        except OSError:  # another process got there first: its copy is whole
            shutil.rmtree(scratch, ignore_errors=True)
    return folder


def _images(n, shape, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, *shape), dtype=np.uint8), rng.permutation(np.arange(n) % 10).astype(np.uint8)


def _manifest(folder, what, train_rows, test_rows, seed, md5):
    record = {
        "what": f"synthetic {what} written by bench.data.synthetic for a quick pass; not the real data",
        "train_rows": train_rows,
        "test_rows": test_rows,
        "seed": seed,
        "md5": md5,
    }
    (Path(folder) / MANIFEST).write_text(json.dumps(record, indent=2) + "\n")
