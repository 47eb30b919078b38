"""bench/data/cifar10.py on small files written here in CIFAR-10's on-disk format."""

import hashlib
import os
import pickle
import tarfile

import numpy as np
import pytest

from bench.data import cifar10 as cd

N = 4  # rows per batch file


def _row(r_value, g_value, b_value):
    """One CIFAR row as documented: 1024 red, then 1024 green, then 1024 blue, each 32x32 row-major."""
    return np.concatenate(
        [
            np.asarray(r_value, np.uint8).ravel(),
            np.asarray(g_value, np.uint8).ravel(),
            np.asarray(b_value, np.uint8).ravel(),
        ]
    )


ROWS_OF_IMAGE = np.repeat(np.arange(32)[:, None], 32, axis=1)  # value = row index
COLS_OF_IMAGE = ROWS_OF_IMAGE.T  # value = column index


def write_folder(folder):
    """data_batch_1..5 and test_batch by hand; image i of file f has blue = 10*f + i."""
    folder.mkdir(parents=True)
    for f, name in enumerate(cd.TRAIN_FILES + [cd.TEST_FILE]):
        data = np.stack([_row(ROWS_OF_IMAGE, COLS_OF_IMAGE, np.full((32, 32), 10 * f + i)) for i in range(N)])
        with open(folder / name, "wb") as fh:
            pickle.dump(
                {b"batch_label": b"x", b"labels": [(f + i) % 10 for i in range(N)], b"data": data}, fh, protocol=2
            )
    return folder


def check_layout(train, test):
    (x, y), (xt, yt) = train, test
    assert x.shape == (5 * N, 32, 32, 3) and y.shape == (5 * N, 1) and x.dtype == np.uint8
    assert xt.shape == (N, 32, 32, 3)
    assert x[0, 5, 9].tolist() == [5, 9, 0]  # red = row, green = column, blue = 10*file + image
    assert x[N + 2, 31, 0].tolist() == [31, 0, 12]
    assert xt[3, 0, 17].tolist() == [0, 17, 53]
    assert y[:, 0].tolist()[: N + 1] == [0, 1, 2, 3, 1] and yt[:, 0].tolist() == [5, 6, 7, 8]


def test_reads_an_extracted_folder(tmp_path):
    folder = write_folder(tmp_path / "cifar-10-batches-py")
    check_layout(*cd.load(folder))
    check_layout(*cd.load(tmp_path))  # the folder that contains cifar-10-batches-py/ works too


def test_reads_the_archive_after_checking_its_sha256(tmp_path):
    write_folder(tmp_path / "src" / "cifar-10-batches-py")
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "src" / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    check_layout(*cd.load(archive, expected_sha256=digest))
    with pytest.raises(cd.DataCorrupt, match=f"has sha256 {digest}, not the published {cd.ARCHIVE_SHA256}"):
        cd.load(archive)  # a home-made archive is not the published file


def test_environment_variable_and_keras_cache(tmp_path, monkeypatch):
    folder = write_folder(tmp_path / "copy" / "cifar-10-batches-py")
    monkeypatch.setenv(cd.ENV_VAR, str(folder))
    assert cd.locate() == folder
    monkeypatch.delenv(cd.ENV_VAR)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    cache = write_folder(tmp_path / "kh" / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py")
    assert cd.locate() == cache


def test_no_data_says_exactly_what_to_put_where(tmp_path, monkeypatch):
    monkeypatch.delenv(cd.ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(cd.DataUnavailable) as err:
        cd.load()
    message = str(err.value)
    for part in (
        "cifar-10-python.tar.gz",
        "--bench-cifar10=PATH",
        cd.ENV_VAR,
        str(tmp_path / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"),
    ):
        assert part in message
    with pytest.raises(cd.DataUnavailable, match="The CIFAR-10 path given names .*nowhere, which does not exist"):
        cd.load(tmp_path / "nowhere")


def test_incomplete_or_foreign_files_are_refused(tmp_path):
    folder = write_folder(tmp_path / "cifar-10-batches-py")
    (folder / "data_batch_3").unlink()
    with pytest.raises(cd.DataCorrupt, match="has no data_batch_3"):
        cd.load(folder)
    (folder / "data_batch_3").write_bytes(pickle.dumps({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}))
    with pytest.raises(cd.DataCorrupt, match=r"data_batch_3 has data of shape \(2, 100\)"):
        cd.load(folder)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_a_pickle_that_would_run_code_is_refused(tmp_path):
    folder = write_folder(tmp_path / "cifar-10-batches-py")
    (folder / "test_batch").write_bytes(pickle.dumps({b"data": _Evil(), b"labels": []}))
    with pytest.raises(cd.DataCorrupt, match="refusing to load (posix|os).system"):
        cd.load(folder)


def test_writer_produces_what_the_reader_reads(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (6 * N, 32, 32, 3), dtype=np.uint8)
    labels = rng.integers(0, 10, 6 * N)
    (x, y), (xt, yt) = cd.load(cd.write_batches(tmp_path / "w", images, labels, per_batch=N))
    assert np.array_equal(np.concatenate([x, xt]), images) and np.array_equal(np.concatenate([y, yt])[:, 0], labels)
