"""python -m bench history changes (bench/tools/changes.py) and history import / info, on a store of made-up nights.

Ten nights of one case: the train loss steps up 10 % from night 7, where the environment gains an injected
regression and the commit changes; the accuracy stays. The real thing (ten ionosphere nightlies) is
tests/tools/test_changes_scenario.py.
"""

import json

import numpy as np
import pytest

from bench.stores import history_store, results
from tests.tools import command

run_changes = command("history changes")
run_store = command("history")


def fill(url, step_at=7, nights=10, loss_step=0.1):
    store = history_store.open_store(url)
    rng = np.random.default_rng(0)
    for k in range(1, nights + 1):
        env = {
            "python": "3.11",
            "tensorflow": "2.21.0",
            "keras": "3.15.1",
            "device": "CPU: test",
            "date": f"2026-11-{k:02d}T02:00:00Z",
            **({"injected": "x0.85"} if k >= step_at else {}),
        }
        night_id = store.night(
            {
                "key": f"n{k}",
                "started": f"2026-11-{k:02d}T02:00:00Z",
                "commit": f"c{k:02d}" * 5,
                "dirty": k == 9,
                "branch": "main",
                "environment": env,
                "options": {},
            }
        )
        loss = 0.12 * (1 + loss_step * (k >= step_at)) + rng.standard_normal() * 0.01 / np.sqrt(20)
        acc = 0.95 + rng.standard_normal() * 0.02 / np.sqrt(20)
        store.add(
            night_id,
            results.record(
                "summary",
                benchmark="ionosphere",
                protocol="published",
                case="step",
                schedule="step",
                seeds=list(range(20)),
                environment=env,
                summaries={},
                verdicts=[
                    {
                        "metric": "final_train_loss",
                        "verdict": "pass",
                        "low": 0.1,
                        "high": 0.14,
                        "measured": {"n": 20, "mean": loss, "std": 0.01},
                    },
                    {
                        "metric": "final_val_accuracy",
                        "verdict": "pass",
                        "low": 0.9,
                        "measured": {"n": 20, "mean": acc, "std": 0.02},
                    },
                    {
                        "metric": "best_val_accuracy",
                        "verdict": "info",
                        "measured": {"n": 20, "mean": 0.99, "std": 0.0},
                    },
                ],
            ),
        )
    store.add(
        night_id,
        results.record(
            "failed",
            benchmark="ionosphere",
            protocol="published",
            case="exp",
            schedule="exp",
            why="NonFiniteLoss: loss became nan at epoch 3",
        ),
    )
    return store


def test_a_shift_is_named_with_its_night_size_commits_and_environment(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    fill(url)
    out_json = tmp_path / "shifts.json"
    assert run_changes(["ionosphere", "--history", url, "--recent", "5", "--json", str(out_json)]) == 1
    out = capsys.readouterr().out
    assert (
        "ionosphere: 10 night(s), 2026-11-01 02:00 .. 2026-11-10 02:00; 2 series (case x gated metric); "
        "1 shift(s) at alpha 0.01 over the history (0.005 per series)" in out
    )
    assert "  night 10: ionosphere/published/exp failed: NonFiniteLoss: loss became nan at epoch 3" in out
    (line,) = [x for x in out.splitlines() if x.startswith("SHIFT")]
    assert line == "SHIFT at night 7 of 10 (2026-11-07 02:00): 1 series"
    (series,) = [x for x in out.splitlines() if x.startswith("  ionosphere/")]
    assert series.startswith("  ionosphere/published/step final_train_loss: up +")
    assert "% (worse), 0.120" in series and "[loss], z +" in series
    assert (
        "  last night before: night 6, 2026-11-06 02:00, commit c06c06c06c06 on main, TF 2.21.0 / Keras 3.15.1" in out
    )
    assert "  commits: c06c06c06c06..c07c07c07c07 (not in this checkout)" in out
    assert (
        "  find the commit: python -m bench bisect c06c06c06c06 c07c07c07c07 --select ionosphere/published/step" in out
    )
    assert "  environment: injected None -> x0.85" in out
    assert out.rstrip().endswith("A shift starts within the last 5 night(s): exit 1.")
    (shift,) = json.loads(out_json.read_text())["shifts"]
    assert (shift["night"], shift["before_night"], shift["direction"], shift["worse"], shift["recent"]) == (
        7,
        6,
        "up",
        True,
        True,
    )
    assert shift["relative"] == pytest.approx(0.10, abs=0.025)  # each night's mean carries seed noise
    assert shift["environment_changes"] == [["injected", None, "x0.85"]]
    assert run_changes(["ionosphere", "--history", url, "--recent", "3"]) == 0  # nights 8-10: none starts there


def test_unchanged_nights_exit_0_and_bad_input_exits_2_saying_what_to_give(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    fill(url, loss_step=0.0)
    assert run_changes(["--history", url, "--recent", "10"]) == 0
    assert "0 shift(s)" in capsys.readouterr().out
    for argv, message in (
        (["digits", "--history", url], "no nights of digits in"),
        (["--history", url, "--recent", "0"], "--recent must be >= 1"),
        (["--history", "mysql://h/db"], "give sqlite:///"),
        (["--history", url, "--json", str(tmp_path / "h.sqlite")], "never overwrites"),
    ):
        assert run_changes(argv) == 2
        assert message in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)
    assert run_changes([]) == 2
    assert "no history at results/history.sqlite" in capsys.readouterr().err


def test_store_import_and_info(tmp_path, capsys):

    folder = tmp_path / "results" / "20261130-020000-7"
    folder.mkdir(parents=True)
    results.append(
        folder,
        results.record(
            "run",
            benchmark="demo",
            protocol="p",
            case="c",
            seed=0,
            metrics={},
            history={},
            environment={"date": "2026-11-30T02:00:00Z"},
        ),
    )
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    assert run_store(["import", str(tmp_path / "results"), "--history", url]) == 0
    assert run_store(["import", str(tmp_path / "results"), "--history", url]) == 0
    out = capsys.readouterr().out
    assert out.count("night 1, 1 record(s) read") == 2
    assert "1 new nights, 1 new records, 0 new verdicts" in out and "0 new nights, 0 new records" in out
    assert run_store(["info", "--history", url]) == 0
    info = capsys.readouterr().out
    assert "schema version 1 (sqlite)" in info and "records: 1 row(s)" in info
    assert "demo: 1 night(s), 2026-11-30T02:00:00Z .. 2026-11-30T02:00:00Z" in info
    assert run_store(["import", str(tmp_path / "nothing"), "--history", url]) == 2
    assert "no results under" in capsys.readouterr().err


def test_a_quick_pass_s_nights_are_series_of_their_own(tmp_path, capsys):
    from bench.statistics import night_series

    store = fill(f"sqlite:///{tmp_path / 'h.sqlite'}", step_at=99)  # ten unchanged nights
    env = {"python": "3.11", "tensorflow": "2.21.0", "keras": "3.15.1", "device": "CPU: test", "quick": True}
    for k in (11, 12):  # then two quick passes: a few steps each, a far higher loss
        night_id = store.night(
            {
                "key": f"q{k}",
                "started": f"2026-11-{k:02d}T02:00:00Z",
                "commit": "q" * 40,
                "dirty": False,
                "branch": "main",
                "environment": env,
                "options": {"quick": True},
            }
        )
        store.add(
            night_id,
            results.record(
                "summary",
                benchmark="ionosphere",
                protocol="published",
                case="step",
                schedule="step",
                seeds=[0],
                environment=env,
                summaries={},
                verdicts=[
                    {
                        "metric": "final_train_loss",
                        "verdict": "quick",
                        "measured": {"n": 1, "mean": 0.6, "std": 0.0},
                    }
                ],
            ),
        )
    history = night_series.load(store, "ionosphere")
    kinds = {(s.name, s.metric): [p.night for p in s.points] for s in history.series}
    assert kinds[("ionosphere/published/step", "final_train_loss")] == list(range(1, 11))
    assert kinds[("ionosphere/published/step (quick pass)", "final_train_loss")] == [11, 12]
    assert night_series.analyse(history) == []  # the quick nights move no nightly series


def test_the_bisect_command_is_printed_only_for_two_nights_on_different_commits():
    from bench.tools.changes import bisect_command

    night = {"commit": "a" * 40}
    assert bisect_command(night, {"commit": "b" * 40}, {"digits/holdout/step", "digits/holdout/exp"}) == (
        f"python -m bench bisect {'a' * 12} {'b' * 12} --select digits/holdout/exp"
    )
    assert bisect_command(night, {"commit": "a" * 40}, {"digits/holdout/step"}) is None
    assert bisect_command(night, {"commit": None}, {"digits/holdout/step"}) is None
