"""python -m bench calibrate changes on a made-up records file: unchanged seeds and seeds whose train loss is
5 % higher (what x0.85 does to ionosphere's), drawn into histories and judged by changes' own code."""

import numpy as np
import pytest

from bench.stores import results
from tests.tools import command

run_calibrate_changes = command("calibrate changes")


def records(path, shift=1.05, seeds=600):
    rng = np.random.default_rng(0)
    for condition, factor in (("unchanged", 1.0), ("x0.85", shift)):
        for case in ("constant", "step"):
            for seed in range(seeds):
                loss = 0.12 * factor + rng.standard_normal() * 0.01
                results.append_to(
                    path,
                    results.record(
                        "calibration",
                        benchmark="ionosphere",
                        protocol="published",
                        case=case,
                        condition=condition,
                        seed=400000 + seed,
                        metrics={
                            "final_val_accuracy": 0.98,
                            "final_train_loss": loss,
                            "mean_train_loss": 2 * loss,
                            "best_val_accuracy": 0.99,
                        },
                        environment="TF test",
                    ),
                )


@pytest.mark.e2e  # 40 histories of 30 nights, each judged over 6 series with 100,000 simulated nulls: ~3 s
def test_a_5_percent_shift_is_found_at_its_night_and_unchanged_histories_show_none(tmp_path, capsys):
    path = tmp_path / "calibrate.jsonl"
    records(path)
    assert run_calibrate_changes(["ionosphere", "--records", str(path), "--histories", "40", "--sizes", "x0.85"]) == 0
    out = capsys.readouterr().out
    assert "40 histories of 30 nights x 20 seeds a night, re-drawn from 600 unchanged seeds per case" in out
    # with its exact 95 % interval, by hand: 0 of 40 -> (0, 1 - 0.025 ** (1 / 40)) = (0, 0.088)
    assert "unchanged: histories with any change point: 0/40 = 0 % (0-8.8 %)" in out
    (row,) = [line for line in out.splitlines() if line.startswith("x0.85")]
    # found within one night of its start, every time: 40 of 40 -> (0.025 ** (1 / 40), 1) = (0.91, 1)
    assert " ".join(row.split()).startswith("x0.85 40/40 = 100 % (91-100 %)")


def test_too_few_seeds_or_a_missing_shift_is_refused_saying_what_to_train(tmp_path, capsys):
    path = tmp_path / "calibrate.jsonl"
    records(path, seeds=100)
    assert run_calibrate_changes(["ionosphere", "--records", str(path), "--sizes", "x0.85"]) == 2
    assert "a 30-night history of 20 seeds a night needs 600" in capsys.readouterr().err
    assert run_calibrate_changes(["ionosphere", "--records", str(path), "--nights", "5", "--sizes", "x0.9"]) == 2
    assert (
        "no x0.9 seeds of published/constant: train them with python -m bench calibrate gates ionosphere "
        "--regressions x0.9" in capsys.readouterr().err
    )
    assert run_calibrate_changes(["digits", "--records", str(path)]) == 2
