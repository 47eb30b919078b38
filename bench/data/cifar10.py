"""CIFAR-10 from disk: an offline copy, or Keras' own cache, or Keras' own download.

Where it looks, in this order:

1. an offline copy named by ``--bench-cifar10=PATH`` or the environment variable
   ``LR_SUITE_CIFAR10``: the standard ``cifar-10-python.tar.gz`` (its sha256 is checked
   against the published one) or its extracted ``cifar-10-batches-py/`` folder;
2. Keras' cache, where ``keras.datasets.cifar10.load_data()`` keeps it:
   ``$KERAS_HOME`` (default ``~/.keras``) ``/datasets/cifar-10-batches-py-target/cifar-10-batches-py``
   (Keras 3) or ``/datasets/cifar-10-batches-py`` (Keras 2);
3. only when downloads are allowed, ``keras.datasets.cifar10.load_data()`` itself.

On-disk format (https://www.cs.toronto.edu/~kriz/cifar.html): ``data_batch_1`` ..
``data_batch_5`` and ``test_batch``, each a pickled dict with ``b"data"`` (uint8,
N x 3072, one row = 1024 red, 1024 green, 1024 blue values, row-major 32 x 32) and
``b"labels"`` (N ints in 0..9).
"""

import hashlib
import io
import os
import pickle
import tarfile
from pathlib import Path

import numpy as np

ENV_VAR = "LR_SUITE_CIFAR10"
OPTION = "cifar10"  # RunOptions field and --bench-cifar10 option that name an offline copy
TRAIN_ROWS, TEST_ROWS = 50_000, 10_000  # images in the five training batches and in test_batch
DESCRIPTION = f"CIFAR-10, {TRAIN_ROWS:,} + {TEST_ROWS:,} images"
# sha256 of cifar-10-python.tar.gz as Keras' loader publishes it (the CIFAR page gives
# md5 c58f30108f718f92721af3b95e74349a for the same file).
ARCHIVE_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
TRAIN_FILES = [f"data_batch_{i}" for i in range(1, 6)]
CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
TEST_FILE = "test_batch"
FOLDER = "cifar-10-batches-py"


class DataUnavailable(RuntimeError):
    """CIFAR-10 is not on this machine; the message says what to put where."""


class DataCorrupt(RuntimeError):
    """A CIFAR-10 copy was found but is not the real thing."""


def keras_cache_dirs():
    home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    return [home / "datasets" / "cifar-10-batches-py-target" / FOLDER, home / "datasets" / FOLDER]


def how_to_provide():
    return (
        f"CIFAR-10 is not on this machine. Put the standard cifar-10-python.tar.gz (or its extracted "
        f"{FOLDER}/ folder) somewhere and pass it (pytest: --bench-cifar10=PATH; python -m bench train or "
        f"python -m bench.benchmarks.<name>: --cifar10 PATH) or set {ENV_VAR}=PATH, or place "
        f"the extracted folder at {keras_cache_dirs()[0]} (Keras' cache)."
    )


def locate(explicit=None):
    """The path of the copy to read (an archive or a batches folder); ``DataUnavailable`` if none."""
    given = explicit or os.environ.get(ENV_VAR)
    if given:
        path = Path(given).expanduser()
        if path.is_dir() and (path / FOLDER).is_dir():
            path = path / FOLDER
        if not path.exists():
            source = "The CIFAR-10 path given" if explicit else ENV_VAR
            raise DataUnavailable(f"{source} names {path}, which does not exist. {how_to_provide()}")
        return path
    for d in keras_cache_dirs():
        if (d / TEST_FILE).is_file():
            return d
    raise DataUnavailable(how_to_provide())


def load(explicit=None, *, allow_download=False, expected_sha256=ARCHIVE_SHA256):
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 32, 32, 3), uint8 labels (N, 1)."""
    try:
        path = locate(explicit)
    except DataUnavailable:
        if not allow_download:
            raise
        from schedules.backend import keras

        return keras.datasets.cifar10.load_data()
    if path.is_dir():
        read = _folder_reader(path)
    else:
        read = _archive_reader(path, expected_sha256)
    train = [_parse(read(name), name) for name in TRAIN_FILES]
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])
    return (x_train, y_train), _parse(read(TEST_FILE), TEST_FILE)


def _folder_reader(folder):
    def read(name):
        f = folder / name
        if not f.is_file():
            raise DataCorrupt(f"{folder} has no {name}: it is not an extracted {FOLDER}/ folder.")
        return f.read_bytes()

    return read


def _archive_reader(archive, expected_sha256):
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != expected_sha256:
        raise DataCorrupt(
            f"{archive} has sha256 {digest}, not the published {expected_sha256}: it is not "
            "the standard cifar-10-python.tar.gz (or it is damaged). Download it again."
        )
    with tarfile.open(archive, "r:gz") as tar:
        members = {Path(m.name).name: m for m in tar.getmembers() if m.isfile()}
        contents = {
            name: tar.extractfile(members[name]).read() for name in TRAIN_FILES + [TEST_FILE] if name in members
        }

    def read(name):
        if name not in contents:
            raise DataCorrupt(f"{archive} has no {name}.")
        return contents[name]

    return read


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles CIFAR's batches and refuses any other object (pickles can run code)."""

    # numpy's array reconstruction, and _codecs.encode, which protocol-2 pickles written by
    # Python 3 use for raw bytes.
    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),
    }

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR batch file")


def _parse(raw, name):
    try:
        d = _NumpyOnlyUnpickler(io.BytesIO(raw), encoding="bytes").load()
        data = np.asarray(d[b"data"], dtype=np.uint8)
        labels = np.asarray(d[b"labels"], dtype=np.int64)
    except (pickle.UnpicklingError, KeyError, TypeError, EOFError, ValueError) as err:
        raise DataCorrupt(f"{name} is not a CIFAR-10 batch: {err}") from None
    if data.ndim != 2 or data.shape[1] != 3072 or len(labels) != len(data):
        raise DataCorrupt(
            f"{name} has data of shape {data.shape} and {len(labels)} labels; expected N x 3072 and N labels"
        )
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise DataCorrupt(f"{name} has labels outside 0..9")
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return images, labels.astype(np.uint8)[:, None]


def write_batches(folder, images, labels, per_batch):
    """Write arrays in CIFAR-10's on-disk format (for tests and synthetic runs).

    ``images`` (N, 32, 32, 3) uint8 and ``labels`` (N,) go into data_batch_1..5 with
    ``per_batch`` rows each, the rest into test_batch.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = images.transpose(0, 3, 1, 2).reshape(len(images), 3072)
    for i, name in enumerate(TRAIN_FILES + [TEST_FILE]):
        part = slice(i * per_batch, (i + 1) * per_batch) if name != TEST_FILE else slice(5 * per_batch, None)
        payload = {
            b"batch_label": name.encode(),
            b"labels": [int(v) for v in labels[part]],
            b"data": rows[part],
            b"filenames": [f"{j}.png".encode() for j in range(len(rows[part]))],
        }
        with open(folder / name, "wb") as f:
            pickle.dump(payload, f, protocol=2)
    return folder
