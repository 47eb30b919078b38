"""Fashion-MNIST from disk: an offline copy, or Keras' own cache.

Where it looks, in this order:

1. a folder named by ``--bench-fashion-mnist=DIR`` or ``LR_SUITE_FASHION_MNIST=DIR``;
2. Keras' cache, where ``keras.datasets.fashion_mnist.load_data()`` keeps the files:
   ``$KERAS_HOME`` (default ``~/.keras``) ``/datasets/fashion-mnist``.

Either holds the four published files, each checked against its published MD5
(Zalando Research's fashion-mnist README): gzip'ed IDX files, images with magic number
2051 and shape (N, 28, 28) uint8, labels with magic 2049 and N uint8 values in 0..9.
"""

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np

ENV_VAR = "LR_SUITE_FASHION_MNIST"
OPTION = "fashion_mnist"  # RunOptions field and --bench-fashion-mnist option that name an offline copy
DESCRIPTION = "Fashion-MNIST, 60,000 + 10,000 images"
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
FILES = {  # name -> published MD5
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}


class DataUnavailable(RuntimeError):
    """Fashion-MNIST is not on this machine; the message says what to put where."""


class DataCorrupt(RuntimeError):
    """A Fashion-MNIST file was found but is not the published one."""


def keras_cache_dir():
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "fashion-mnist"


def how_to_provide():
    return (
        f"Fashion-MNIST is not on this machine. Put its four files ({', '.join(FILES)}) in a folder and "
        f"pass it (pytest: --bench-fashion-mnist=DIR; python -m bench train or python -m "
        f"bench.benchmarks.<name>: --fashion-mnist DIR) or set {ENV_VAR}=DIR, or put them in {keras_cache_dir()} "
        "(Keras' cache)."
    )


def locate(explicit=None):
    given = explicit or os.environ.get(ENV_VAR)
    if given:
        folder = Path(given).expanduser()
        missing = [f for f in FILES if not (folder / f).is_file()]
        if missing:
            source = "The Fashion-MNIST folder given" if explicit else ENV_VAR
            raise DataUnavailable(f"{source} names {folder}, which lacks {', '.join(missing)}. {how_to_provide()}")
        return folder
    if all((keras_cache_dir() / f).is_file() for f in FILES):
        return keras_cache_dir()
    raise DataUnavailable(how_to_provide())


def load(explicit=None, *, checksums=FILES):
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 28, 28), uint8 labels (N, 1).

    A folder of synthetic files (``bench.data.synthetic``) is checked against the checksums its
    ``synthetic.json`` lists instead of the published ones."""
    from bench.data import manifest

    folder = locate(explicit)
    checksums = manifest.checksums(folder) or checksums
    arrays = {name: _read(folder / name, checksums[name]) for name in FILES}
    pairs = []
    for prefix in ("train", "t10k"):
        x, y = arrays[f"{prefix}-images-idx3-ubyte.gz"], arrays[f"{prefix}-labels-idx1-ubyte.gz"]
        if len(x) != len(y):
            raise DataCorrupt(f"{folder}: {prefix} has {len(x)} images but {len(y)} labels")
        pairs.append((x, y[:, None]))
    return tuple(pairs)


def _read(path, md5):
    raw = path.read_bytes()
    digest = hashlib.md5(raw, usedforsecurity=False).hexdigest()
    if digest != md5:
        raise DataCorrupt(f"{path} has MD5 {digest}, not the published {md5}: download it again.")
    data = gzip.decompress(raw)
    magic = int.from_bytes(data[:4], "big")
    if magic == 2051:
        n, rows, cols = (int.from_bytes(data[i : i + 4], "big") for i in (4, 8, 12))
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, rows, cols)
    if magic == 2049:
        labels = np.frombuffer(data, np.uint8, offset=8)
        if labels.size and labels.max() > 9:
            raise DataCorrupt(f"{path} has labels outside 0..9")
        return labels
    raise DataCorrupt(f"{path} is not an IDX image (2051) or label (2049) file: magic number {magic}")


def write_files(folder, train, test):
    """Write ``train`` and ``test`` (each ``(images (N, 28, 28) uint8, labels (N,))``) as the four gzip'ed IDX
    files of the published layout; returns ``{file name: MD5}`` (for tests and synthetic runs)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sums = {}
    for prefix, (images, labels) in (("train", train), ("t10k", test)):
        n, rows, cols = images.shape
        blobs = {
            f"{prefix}-images-idx3-ubyte.gz": _idx(2051, (n, rows, cols), np.asarray(images, np.uint8)),
            f"{prefix}-labels-idx1-ubyte.gz": _idx(2049, (len(labels),), np.asarray(labels, np.uint8)),
        }
        for name, blob in blobs.items():
            (folder / name).write_bytes(blob)
            sums[name] = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return sums


def _idx(magic, shape, array):
    """An IDX file, gzip'ed: the magic number and each dimension as big-endian 32-bit integers, then the bytes."""
    header = b"".join(v.to_bytes(4, "big") for v in (magic, *shape))
    return gzip.compress(header + array.tobytes(), mtime=0)
