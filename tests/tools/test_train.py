"""bench/tools/train.py: source A's one-command reproduction, on ionosphere."""

import pytest

from bench.benchmarks import RunOptions, ionosphere
from bench.tools.train import parser
from tests.report.test_plots import png_size
from tests.tools import command

main = command("train")

pytest.importorskip("keras")


def test_help_documents_every_option_with_its_default():
    text = " ".join(parser().format_help().split())  # argparse wraps lines
    for option in (
        "BENCHMARK",
        "--case",
        "--schedule",
        "--epochs",
        "--lr-plot",
        "--train-plot",
        "--seed",
        "--protocol",
        "--cifar10",
        "--fashion-mnist",
        "--allow-cpu",
        "--force",
    ):
        assert option in text
    assert "(default: lr.png)" in text and "(default: training.png)" in text and "(default: 0)" in text
    assert "(default: None)" not in text and text.count("(default:") == 9  # one per option that has one


@pytest.mark.e2e  # trains and plots: about 0.9 s
def test_trains_reports_per_class_and_writes_both_plots(tmp_path, capsys, monkeypatch):
    if ionosphere.BENCHMARK.unmet(RunOptions()):
        pytest.skip(ionosphere.BENCHMARK.unmet(RunOptions())[1])
    lr, training = tmp_path / "lr.png", tmp_path / "training.png"
    assert (
        main(
            [
                "ionosphere",
                "--case",
                "step",
                "--epochs",
                "3",
                "--lr-plot",
                str(lr),
                "--train-plot",
                str(training),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "epoch 1/3: lr 0.1" in out and "epoch 3/3:" in out
    for part in ("precision", "recall", "f1-score", "b (bad)", "g (good)", "116"):  # 116 validation rows
        assert part in out
    assert png_size(lr) == (800, 500) and png_size(training) == (800, 500)


def test_refuses_to_overwrite_and_names_bad_input(tmp_path, capsys):
    existing = tmp_path / "lr.png"
    existing.write_bytes(b"keep me")
    assert main(["ionosphere", "--schedule", "step", "--lr-plot", str(existing)]) == 2
    assert "exists; choose another file or pass --force" in capsys.readouterr().err
    assert existing.read_bytes() == b"keep me"
    assert main(["ionosphere", "--case", "cosine"]) == 2
    assert (
        "--case 'cosine' is not a case of ionosphere; choose from constant, time, step, exp" in capsys.readouterr().err
    )
    assert main(["ionosphere", "--schedule", "cosine"]) == 2
    assert (
        "--schedule 'cosine': ionosphere has 0 cases that train it; it trains constant, exp, standard, step, "
        "or pick a case with --case (constant, time, step, exp)"
    ) in capsys.readouterr().err
    assert main(["ionosphere", "--schedule", "step", "--epochs", "0"]) == 2
    assert "--epochs must be >= 1" in capsys.readouterr().err


def test_schedule_picks_the_case_that_trains_it():
    p = parser()
    # ionosphere's "time" case trains the registry's "standard" (source D gave the optimizer its decay)
    from bench.tools.train import case_for

    assert case_for(p, ionosphere.BENCHMARK, p.parse_args(["ionosphere", "--schedule", "standard"])) == "time"
    assert case_for(p, ionosphere.BENCHMARK, p.parse_args(["ionosphere", "--case", "time"])) == "time"


def test_an_output_folder_that_does_not_exist_is_refused_before_training(tmp_path, capsys):
    assert main(["ionosphere", "--schedule", "step", "--lr-plot", str(tmp_path / "missing" / "lr.png")]) == 2
    captured = capsys.readouterr()
    assert "--lr-plot" in captured.err and "missing does not exist; create it or choose another path" in captured.err
    assert "epoch 1/" not in captured.out  # nothing trained
