"""bench/data/fashion_mnist.py on small gzip'ed IDX files written here by hand."""

import gzip
import hashlib

import numpy as np
import pytest

from bench.data import fashion_mnist as fm


def _idx_images(images):
    n, rows, cols = images.shape
    header = b"".join(v.to_bytes(4, "big") for v in (2051, n, rows, cols))  # IDX: magic, then sizes
    return gzip.compress(header + images.astype(np.uint8).tobytes())


def _idx_labels(labels):
    return gzip.compress((2049).to_bytes(4, "big") + len(labels).to_bytes(4, "big") + bytes(labels))


def write(folder, n_train=6, n_test=3):
    folder.mkdir(parents=True, exist_ok=True)
    img = lambda n, base: (np.arange(n * 28 * 28).reshape(n, 28, 28) + base) % 251  # noqa: E731
    blobs = {
        "train-images-idx3-ubyte.gz": _idx_images(img(n_train, 0)),
        "train-labels-idx1-ubyte.gz": _idx_labels([i % 10 for i in range(n_train)]),
        "t10k-images-idx3-ubyte.gz": _idx_images(img(n_test, 7)),
        "t10k-labels-idx1-ubyte.gz": _idx_labels([9 - i for i in range(n_test)]),
    }
    for name, blob in blobs.items():
        (folder / name).write_bytes(blob)
    return {name: hashlib.md5(blob).hexdigest() for name, blob in blobs.items()}


def test_reads_idx_files_with_their_checksums(tmp_path):
    sums = write(tmp_path / "fm")
    (x, y), (xt, yt) = fm.load(tmp_path / "fm", checksums=sums)
    assert x.shape == (6, 28, 28) and y.shape == (6, 1) and xt.shape == (3, 28, 28)
    assert x[1, 0, 5] == (28 * 28 + 5) % 251 and xt[0, 0, 0] == 7
    assert y[:, 0].tolist() == [0, 1, 2, 3, 4, 5] and yt[:, 0].tolist() == [9, 8, 7]


def test_files_other_than_the_published_ones_are_refused(tmp_path):
    write(tmp_path / "fm")
    with pytest.raises(
        fm.DataCorrupt, match=r"has MD5 [0-9a-f]{32}, not the published 8d4fb7e6c68d591d4c3dfef9ec88bf0d"
    ):
        fm.load(tmp_path / "fm")


def test_missing_data_says_what_to_put_where(tmp_path, monkeypatch):
    monkeypatch.delenv(fm.ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    with pytest.raises(fm.DataUnavailable) as err:
        fm.locate()
    for part in (
        "train-images-idx3-ubyte.gz",
        "--bench-fashion-mnist=DIR",
        fm.ENV_VAR,
        str(tmp_path / "kh" / "datasets" / "fashion-mnist"),
    ):
        assert part in str(err.value)
    (tmp_path / "half").mkdir()
    with pytest.raises(fm.DataUnavailable, match="lacks train-images-idx3-ubyte.gz"):
        fm.locate(tmp_path / "half")


def test_keras_cache_and_environment_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(fm.ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    write(tmp_path / "kh" / "datasets" / "fashion-mnist")
    assert fm.locate() == tmp_path / "kh" / "datasets" / "fashion-mnist"
    write(tmp_path / "other")
    monkeypatch.setenv(fm.ENV_VAR, str(tmp_path / "other"))
    assert fm.locate() == tmp_path / "other"


def test_a_wrong_magic_number_is_refused(tmp_path):
    sums = write(tmp_path / "fm")
    blob = gzip.compress((1234).to_bytes(4, "big") + bytes(8))
    (tmp_path / "fm" / "t10k-labels-idx1-ubyte.gz").write_bytes(blob)
    sums["t10k-labels-idx1-ubyte.gz"] = hashlib.md5(blob).hexdigest()
    with pytest.raises(fm.DataCorrupt, match="magic number 1234"):
        fm.load(tmp_path / "fm", checksums=sums)


def test_the_module_s_writer_writes_the_published_layout(tmp_path):
    """``write_files`` (synthetic runs use it) against the hand-written IDX files above, decompressed byte for byte."""
    sums = write(tmp_path / "by-hand")
    img = lambda n, base: (np.arange(n * 28 * 28).reshape(n, 28, 28) + base) % 251  # noqa: E731
    written = fm.write_files(
        tmp_path / "by-module", (img(6, 0), [i % 10 for i in range(6)]), (img(3, 7), [9 - i for i in range(3)])
    )
    assert set(written) == set(sums) == set(fm.FILES)
    for name in fm.FILES:
        assert gzip.decompress((tmp_path / "by-module" / name).read_bytes()) == gzip.decompress(
            (tmp_path / "by-hand" / name).read_bytes()
        )
    (x, y), (xt, yt) = fm.load(tmp_path / "by-module", checksums=written)
    assert x.shape == (6, 28, 28) and y[:, 0].tolist() == [0, 1, 2, 3, 4, 5] and yt[:, 0].tolist() == [9, 8, 7]
