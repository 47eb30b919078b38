"""bench/tools/cross_version.py: a verdict per environment from results folders, its files and exit status."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.stores import results
from tests.tools import command

main = command("matrix")

ENV_A = {"tensorflow": "2.15.1", "keras": "2.15.0", "keras_backend": "tensorflow", "device": "CPU: x"}
ENV_B = {"tensorflow": "2.21.0", "keras": "3.15.1", "keras_backend": "tensorflow", "device": "CPU: AMD EPYC"}
LABEL_A = "TF 2.15.1 / Keras 2.15.0 (tensorflow), CPU: x"
LABEL_B = "TF 2.21.0 / Keras 3.15.1 (tensorflow), CPU: AMD EPYC"  # the baseline's: the reference
# per-seed train loss and accuracy of ionosphere/published/step on seeds 0..19, near its committed baseline
# (over its 200 seeds: final train loss 0.0400, mean train loss 0.0884, accuracy 0.9878)
LOSS = [0.0396 + 0.0004 * ((7 * s) % 9 - 4) for s in range(20)]
ACC = [0.9871 + 0.0043 * ((5 * s) % 5 - 2) / 2 for s in range(20)]


def environment_folder(root, name, env, loss=LOSS, acc=ACC, epochs=50, not_trained=()):
    """A results folder of one environment, as a session writes it."""
    folder = root / name / "20261130-000000-1"
    folder.mkdir(parents=True)
    for seed in range(20):
        metrics = {
            "final_val_accuracy": acc[seed],
            "final_train_loss": loss[seed],
            "mean_train_loss": 2.21 * loss[seed],
        }
        results.append(
            folder,
            results.record(
                "run",
                benchmark="ionosphere",
                protocol="published",
                case="step",
                seed=seed,
                metrics=metrics,
                history={"train_loss": [0.5] * epochs},
                train_time_s=0.1,
                majority_rate=0.922,
                environment=env,
            ),
        )
    results.append(
        folder,
        results.record(
            "summary",
            benchmark="ionosphere",
            protocol="published",
            case="step",
            schedule="step",
            seeds=list(range(20)),
            environment=env,
            summaries={},
        ),
    )
    for case, why in not_trained:
        results.append(
            folder,
            results.record(
                "not_trained",
                benchmark="ionosphere",
                protocol="published",
                case=case,
                why=why,
                environment=env,
            ),
        )
    return root / name


def test_environments_with_the_same_seeds_bit_for_bit_are_identical_and_exit_0(tmp_path, capsys):
    a = environment_folder(tmp_path, "tf215", ENV_A, not_trained=[("exp", "the suite's training loop runs on TF")])
    b = environment_folder(tmp_path, "tf221", ENV_B)
    md, js = tmp_path / "verdicts.md", tmp_path / "verdicts.json"
    assert main([str(a), str(b), "--md", str(md), "--json", str(js)]) == 0
    out = capsys.readouterr().out
    header, _, step, exp = out.splitlines()[:4]
    assert f"[1] {LABEL_A}" in header and f"[2] {LABEL_B}" in header
    assert [c.strip() for c in step.split("  ") if c.strip()] == ["ionosphere/published/step", "identical", "same"]
    assert "did not train: the suite's training loop runs on TF" in exp and exp.split()[-2:] == ["not", "run"]
    assert (
        "1 % / 9 tests" in out
    )  # 3 gated metrics in each of the 2 environments, 3 paired tests of the 1 not the reference
    cells = json.loads(js.read_text())["cells"]
    assert {(c["case"], c["env"], c["status"]) for c in cells} == {
        ("step", LABEL_A, "identical"),
        ("step", LABEL_B, "same"),
        ("exp", LABEL_A, "did not train"),
        ("exp", LABEL_B, "not run"),
    }
    assert "| ionosphere/published/step | identical" in md.read_text()


def test_a_change_on_every_seed_in_one_environment_exits_1_naming_it_and_the_case(tmp_path, capsys):
    a = environment_folder(
        tmp_path, "tf215", ENV_A, loss=[v * 0.97 for v in LOSS]
    )  # every seed's loss 3 % lower: inside the gate's band
    b = environment_folder(tmp_path, "tf221", ENV_B)
    assert main([str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert (
        f"CHANGED: ionosphere/published/step in {LABEL_A}: CHANGED final_train_loss -3.0 % (p < 1e-05, paired)" in out
    )


def test_bad_input_exits_2_with_what_to_do(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty")]) == 2
    assert "no results under" in capsys.readouterr().err
    short = environment_folder(tmp_path, "short", ENV_A, epochs=10)
    assert main([str(short)]) == 2
    assert (
        "ionosphere/published/step in " + LABEL_A + " trained 10 epochs, the benchmark trains 50"
        in capsys.readouterr().err
    )
    (tmp_path / "taken.md").write_text("x")
    assert main([str(short), "--md", str(tmp_path / "taken.md")]) == 2
    assert "never overwrites a report" in capsys.readouterr().err


def test_training_time_per_environment_over_the_cases_all_of_them_trained(tmp_path, capsys):
    a = environment_folder(tmp_path, "tf215", ENV_A)  # every run says 0.1 s: 20 seeds, 2 s in all
    b = environment_folder(tmp_path, "tf221", ENV_B)
    for path in b.rglob("results.jsonl"):  # the other environment trains 3x as long
        path.write_text(path.read_text().replace('"train_time_s": 0.1', '"train_time_s": 0.3'))
    assert main([str(a), str(b)]) == 0
    assert (
        "training time over the 1 cases every environment trained: [1] 2 s (1.0x); [2] 6 s (3.0x)"
        in capsys.readouterr().out
    )


@pytest.mark.e2e(minutes=1)  # two nightlies of ionosphere's published cases in inner pytest processes
def test_a_momentum_change_injected_in_one_environment_exits_1_naming_it_and_the_cases_it_moved(tmp_path, capsys):
    """The real nightly, run as a user runs it, once as it is and once with SGD's momentum halved
    (``--bench-inject momentum``: what a release that changed the optimizer would do)."""
    root = Path(__file__).resolve().parents[2]

    def nightly(folder, *extra):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "tests/test_accuracy.py",
                "-m",
                "slow and not gpu",
                "--bench-case=ionosphere/published",
                "-p",
                "no:cacheprovider",
                f"--bench-results={tmp_path / folder}",
                *extra,
            ],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=600,
        )

    plain = nightly("plain")
    assert plain.returncode == 0, plain.stdout[-3000:]
    injected = nightly("momentum", "--bench-inject=momentum")
    assert injected.returncode in (0, 1), injected.stdout[-3000:]  # its own gates may fail: it trains differently
    assert "INJECTED regression momentum (optimizer): SGD's momentum halved" in injected.stdout
    assert main([str(tmp_path / "plain"), str(tmp_path / "momentum")]) == 1
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("ionosphere/")}
    label = next(line for line in out.splitlines() if line.startswith("case")).split("[2] ")[1].strip()
    assert label.endswith(" [injected: momentum]")
    assert rows["ionosphere/published/constant"].split()[-1] == "identical"  # no momentum there: nothing moved
    for case in ("time", "step", "exp"):  # momentum 0.8, 0.9, 0.9: every one moved
        assert re.search(rf"^(CHANGED|WORSE): ionosphere/published/{case} in {re.escape(label)}: ", out, re.M)
        assert "CHANGED final_train_loss +" in rows[f"ionosphere/published/{case}"]  # slower: higher train loss


def test_a_case_whose_training_stopped_in_an_environment_fails_it_until_a_newer_session_trains_it(tmp_path, capsys):
    a = environment_folder(tmp_path, "tf215", ENV_A)
    b = environment_folder(tmp_path, "tf221", ENV_B)
    later = b / "20261201-000000-1"  # a newer session of tf221: step diverged there
    later.mkdir()
    results.append(
        later,
        results.record(
            "failed",
            benchmark="ionosphere",
            protocol="published",
            case="step",
            why="NonFiniteLoss: loss became inf at epoch 23, batch 2",
            environment=ENV_B,
        ),
    )
    assert main([str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert f"FAILED: ionosphere/published/step in {LABEL_B}: FAILED: NonFiniteLoss: loss became inf at epoch 23" in out
    newest = b / "20261202-000000-1"  # and a newer one still trained it: the newest session wins
    newest.mkdir()
    for record in results.records(b / "20261130-000000-1"):
        results.append(newest, record)
    assert main([str(a), str(b)]) == 0
