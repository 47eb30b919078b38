"""bench/data/synthetic.py: stand-ins in CIFAR-10's and Fashion-MNIST's on-disk formats, read by the real loaders."""

import json
import threading

import numpy as np
import pytest

from bench.data import cifar10, fashion_mnist, manifest, synthetic


def test_cifar10_stand_in_is_read_by_the_real_loader_as_an_extracted_folder(tmp_path):
    folder = synthetic.write_cifar10(tmp_path / "c", train_rows=50, test_rows=20)
    assert folder == tmp_path / "c" / "cifar-10-batches-py"
    assert cifar10.locate(str(tmp_path / "c")) == folder  # the parent works as a real copy's does
    (x, y), (xt, yt) = cifar10.load(str(folder))
    assert (x.shape, y.shape, xt.shape, yt.shape) == ((50, 32, 32, 3), (50, 1), (20, 32, 32, 3), (20, 1))
    assert np.array_equal(x[:, 0, 0, 0], y[:, 0] * 25)  # the class, written into the red channel's top rows
    assert manifest.is_synthetic(folder) and manifest.is_synthetic(folder / "test_batch")
    assert json.loads((folder / "synthetic.json").read_text())["train_rows"] == 50


def test_fashion_mnist_stand_in_passes_its_own_checksums_only(tmp_path):
    folder = synthetic.write_fashion_mnist(tmp_path / "f", train_rows=30, test_rows=10)
    (x, y), (xt, yt) = fashion_mnist.load(str(folder))  # checked against synthetic.json's MD5s
    assert (x.shape, xt.shape, sorted(set(y[:, 0].tolist()))) == ((30, 28, 28), (10, 28, 28), list(range(10)))
    (tmp_path / "copy").mkdir()
    for name in fashion_mnist.FILES:  # the same files without the manifest: checked against the published MD5s
        (tmp_path / "copy" / name).write_bytes((folder / name).read_bytes())
    with pytest.raises(fashion_mnist.DataCorrupt, match="not the published"):
        fashion_mnist.load(str(tmp_path / "copy"))
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(b"changed")  # a synthetic file changed after it was written
    with pytest.raises(fashion_mnist.DataCorrupt, match="t10k-labels-idx1-ubyte.gz has MD5"):
        fashion_mnist.load(str(folder))


def test_a_real_copy_is_not_taken_for_a_synthetic_one(tmp_path):
    real = cifar10.write_batches(
        tmp_path / "cifar-10-batches-py", np.zeros((12, 32, 32, 3), np.uint8), np.arange(12) % 10, per_batch=2
    )
    assert not manifest.is_synthetic(real) and manifest.checksums(real) is None


def test_processes_writing_the_same_stand_in_at_once_leave_one_whole_copy(tmp_path):
    target = tmp_path / "synthetic-data" / "fashion_mnist"
    found = []
    threads = [
        threading.Thread(target=lambda: found.append(synthetic.write_once("fashion_mnist", target))) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found == [target] * 4
    assert sorted(p.name for p in target.parent.iterdir()) == ["fashion_mnist"]  # no scratch folder left
    fashion_mnist.load(str(target))  # whole: every file matches the manifest
    written = (target / "synthetic.json").stat().st_mtime_ns
    assert synthetic.write_once("fashion_mnist", target) == target
    assert (target / "synthetic.json").stat().st_mtime_ns == written  # written once


def test_a_stand_in_needs_five_equal_training_batches():
    with pytest.raises(ValueError, match=r"Argument `train_rows` must be a multiple of 5.*Received: train_rows=12"):
        synthetic.write_cifar10("unused", train_rows=12)
