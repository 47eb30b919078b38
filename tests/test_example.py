"""examples/breast_cancer as a team would use the suite: its wheel built from this checkout and installed into a
fresh virtual environment, the example copied to a temporary folder outside the repository (no conftest.py,
no pyproject.toml of the suite's there), and the example's own README commands run as written.

Then what the example's user relies on: ``python -m bench compare main`` on a branch that changes only a comment
says ``identical``, training nothing once ``main``'s side is kept; a commit that halves its own schedule's rate
fails its gate, and ``bisect`` from ``main`` names that commit; the night's plan reads the project's own history,
the quick pass runs every case, and ``history info`` reads the project's store.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "breast_cancer"


def readme_commands():
    """The README's ``bash`` blocks, one command each, in order."""
    blocks = re.findall(r"```bash\n(.*?)```", (EXAMPLE / "README.md").read_text(), re.S)
    return [block.strip() for block in blocks]


def test_the_example_s_readme_gives_the_setup_then_five_commands():
    commands = readme_commands()
    assert commands[0].startswith("python3 -m venv .venv && .venv/bin/pip install 'lr-schedule-suite[cpu]'")
    assert commands[1:] == [
        '.venv/bin/pytest -m "not slow"',
        ".venv/bin/pytest -m slow",
        ".venv/bin/python -m bench compare main",
        ".venv/bin/python -m bench calibrate gates breast_cancer",
        ".venv/bin/pytest -m slow --bench-case=breast_cancer --update-baselines --bench-seeds=40 "
        "--bench-first-seed=1000",
    ]


def _run(command, cwd, env, timeout=900):
    done = subprocess.run(command, cwd=cwd, env=env, shell=True, capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout + done.stderr


def _git(cwd, *args):
    subprocess.run(
        ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.mark.e2e(minutes=6)  # a wheel, a fresh venv with TensorFlow, the example's commands, a bisect: about 5 min
def test_the_example_runs_its_readme_against_the_suite_s_wheel(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LR_BENCH_", "PYTEST_", "VIRTUAL_ENV"))}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    wheels = tmp_path / "wheels"
    code, out = _run(f"{sys.executable} -m pip wheel --no-deps -q -w {wheels} {ROOT}", tmp_path, env)
    assert code == 0, out
    (wheel,) = wheels.glob("lr_schedule_suite-*.whl")
    project = tmp_path / "mybench"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", ".venv", "results"))
    setup = readme_commands()[0].replace("'lr-schedule-suite[cpu]'", f"'{wheel}[cpu]'")
    code, out = _run(setup, project, env)
    assert code == 0, out
    python = project / ".venv" / "bin" / "python"
    where = subprocess.run(
        [python, "-c", "import bench; print(bench.__file__)"], cwd=project, env=env, capture_output=True, text=True
    )
    assert "site-packages" in where.stdout, where.stdout + where.stderr  # the wheel's copy, not this checkout

    _git(project, "init", "-q", "-b", "main")
    (project / ".gitignore").write_text(".venv/\nresults/\n.benchmarks/\n__pycache__/\n")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "the team's benchmark")

    fast, slow, compare, calibrate, update = readme_commands()[1:]
    code, out = _run(fast, project, env)
    assert code == 0 and re.search(r"\b2 passed\b", out), out
    code, out = _run(slow, project, env)
    assert code == 0 and "3 passed" in out, out
    assert re.search(r"breast_cancer\s+holdout\s+keras_cosine\s+final_val_accuracy \[fraction\]\s+>= \S+ \(mean", out)
    assert re.search(r"breast_cancer\s+holdout\s+warmup_exp\s+final_val_accuracy \[fraction\]\s+>= \S+ \(mean", out), (
        out
    )
    assert (project / "results" / "history.sqlite").is_file()  # the project's own results and history

    # a branch that changes only a comment: identical, HEAD trains nothing; once main's side is kept, neither
    _git(project, "checkout", "-q", "-b", "comment")
    model = project / "mybench" / "breast_cancer.py"
    model.write_text(model.read_text().replace("def build_model():", "def build_model():  # as the team trains it"))
    _git(project, "commit", "-q", "-am", "a comment")
    code, out = _run(compare, project, env)
    assert code == 0 and "3 identical" in out and re.search(r"\*\*HEAD\*\*: .*trained nothing", out), out
    code, out = _run(compare, project, env)
    assert (
        code == 0 and "3 identical" in out and len(re.findall(r"trained nothing, 3 case\(s\) from the store", out)) == 2
    )

    # the team's schedule at half its rate, committed after the comment: it fails its gate, and bisect from main
    # names that commit
    schedule = project / "mybench" / "warmup_exp.py"
    schedule.write_text(schedule.read_text().replace("return xp.where(", "return 0.5 * xp.where("))
    _git(project, "commit", "-q", "-am", "halve the warm-up rate")
    halving = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True).stdout.strip()
    code, out = _run(slow, project, env)
    assert code == 1 and re.search(r"breast_cancer/holdout/warmup_exp: CHANGED: final_train_loss .* higher by", out), (
        out
    )
    assert "1 failed, 2 passed" in out, out
    bisect = ".venv/bin/python -m bench bisect main HEAD --select breast_cancer/holdout/warmup_exp --json bisect.json"
    code, out = _run(bisect, project, env)
    assert code == 0 and "first commit that changed breast_cancer/holdout/warmup_exp: " in out, out
    assert json.loads((project / "bisect.json").read_text())["commit"]["commit"] == halving, out
    _git(project, "checkout", "-q", "main")

    # the night's plan from the project's own history, the quick pass, and what the store holds
    code, out = _run(f"{slow} --bench-plan --bench-budget=1", project, env)
    assert code == 0 and "tonight: 3 case(s)" in out and "--bench-plan: nothing trains" in out, out
    assert len(re.findall(r"history: \d+ seed\(s\) x 30 epochs", out)) == 3, out
    code, out = _run(f"{slow} --bench-quick", project, env)
    assert code == 0 and "3 passed" in out, out
    code, out = _run(".venv/bin/python -m bench history info", project, env)
    assert code == 0 and "breast_cancer" in out, out

    # the gates calibrated on fresh seeds against the project's own baseline: the team's schedule at half its
    # rate is caught in every set (the rate found by its name, peak_lr), as Keras' own CosineDecay's is
    code, out = _run(calibrate, project, env)
    assert code == 0 and "breast_cancer: 5 disjoint sets of 20 seeds (100000..100099), none a baseline seed" in out, out
    for case in ("warmup_exp", "keras.CosineDecay"):
        row = re.search(rf"holdout\s+\S+\s+{re.escape(case)}\s+any gate\s+nightly\s+.*", out)
        assert row and re.search(r"\s5/5 = 100 % \(48-100 %\)\s+5/5 = 100 % \(48-100 %\)\s", row.group(0)), (
            out
        )  # x0.5, x2
    assert re.search(r"breast_cancer: sets with any false alarm: \d/5 = ", out), out
    assert (project / "calibrate-breast_cancer.jsonl").is_file()

    # the printed command writes the project's own baseline file, never one inside the installed package
    before = (project / "baselines" / "breast_cancer.json").read_text()
    code, out = _run(update, project, env)
    assert code == 0 and f"wrote {project / 'baselines' / 'breast_cancer.json'}" in out, out
    assert (project / "baselines" / "breast_cancer.json").read_text() != before
