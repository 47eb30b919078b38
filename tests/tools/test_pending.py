"""python -m bench baselines pending: a case with no baseline yet is recorded by a command, touching nothing else."""

import json
import shutil
from pathlib import Path

import pytest

from bench.stores import baselines
from tests.tools import command

main = command("baselines pending")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path):
    shutil.copytree(ROOT / "baselines", tmp_path / "baselines")
    return tmp_path / "baselines"


def test_records_why_and_leaves_every_other_entry_as_it_was(folder, capsys):
    path = folder / "cifar10_resnet.json"
    doc = json.loads(path.read_text())
    del doc["cases"]["published"]["cosine"]  # as if the case had just been added to the benchmark
    baselines.write_atomic(path, doc)
    others = {p.name: p.read_bytes() for p in folder.iterdir() if p != path}
    assert main(["cifar10_resnet/published/cosine", "--why", "needs a GPU run", f"--baselines={folder}"]) == 0
    assert "1 case(s) with no baseline yet" in capsys.readouterr().out
    after = json.loads(path.read_text())
    record = after["cases"]["published"]["cosine"]["no_baseline_yet"]
    assert record["why"] == "needs a GPU run" and record["command"].startswith("python -m bench baselines pending ")
    assert baselines.pending_reason(after, "published", "cosine") == "needs a GPU run"
    assert baselines.case_entries(after, "published", "cosine") == {}  # judged on nothing: reported as new
    del after["cases"]["published"]["cosine"]
    assert after == doc  # nothing else in the file changed
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p != path} == others


def test_a_case_with_a_baseline_is_refused_and_nothing_is_written(folder, capsys):
    before = (folder / "cifar10_resnet.json").read_bytes()
    assert main(["cifar10_resnet/published/step", "--why", "x", f"--baselines={folder}"]) == 2
    assert (
        "cifar10_resnet/published/step already has a baseline (final_val_accuracy); a measurement replaces it "
        "(--update-baselines), a note does not. Nothing was written."
    ) in capsys.readouterr().err
    assert (folder / "cifar10_resnet.json").read_bytes() == before


@pytest.mark.parametrize(
    "argument, error",
    [
        ("cifar10_resnet/published/cosin", "Unknown cifar10_resnet case 'cosin'; valid: "),
        ("cifar10_resnet/cosine", "'cifar10_resnet/cosine' is not BENCHMARK/PROTOCOL/CASE"),
        ("resnet/published/cosine", "Unknown benchmark 'resnet'; valid: ionosphere"),
        ("cifar10_resnet/test/cosine", "Unknown cifar10_resnet protocol 'test'; valid: published"),
    ],
)
def test_bad_case_names_say_what_is_valid(folder, capsys, argument, error):
    assert main([argument, "--why", "x", f"--baselines={folder}"]) == 2
    err = capsys.readouterr().err
    assert error in err
    if "case 'cosin'" in err:
        assert "cosine" in err.split("valid: ")[1].strip().split(", ")


def test_a_new_benchmark_gets_its_file(tmp_path, capsys):
    assert (
        main(["fashion_mnist_onecycle/published/onecycle", "--why", "needs Fashion-MNIST", f"--baselines={tmp_path}"])
        == 0
    )
    doc = baselines.load("fashion_mnist_onecycle", tmp_path)
    assert list(doc["cases"]["published"]) == ["onecycle"] and doc["format"] == baselines.FORMAT


def test_a_pending_record_without_its_reason_is_a_malformed_file(folder):
    path = folder / "fashion_mnist_onecycle.json"
    doc = json.loads(path.read_text())
    doc["cases"]["published"]["constant"]["no_baseline_yet"]["why"] = " "
    path.write_text(json.dumps(doc))
    with pytest.raises(baselines.BaselineError, match="published/constant/no_baseline_yet does not say why"):
        baselines.load("fashion_mnist_onecycle", folder)
