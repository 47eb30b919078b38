"""docs/contributing.md is followed to the letter on a copy of the repository, for its example schedule.

Each code block the guide marks with ``<!-- guide: ... -->`` is applied (``create PATH``; ``in PATH,
after the line starting "PREFIX"``) or run (``run``: one command a line, ``pytest`` and ``python`` from
this interpreter), in the guide's order. The test passes only if every command succeeds (the new case's
baseline written, its gate passing on unseen seeds, the whole fast tier green) and the change touched
exactly the files the guide names: so the guide cannot rot, and its count of steps is the real one.
"""

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "contributing.md"
STEP = re.compile(r"<!-- guide: (.+?) -->\n```\w*\n(.*?)\n```", re.S)
AFTER = re.compile(r'in (\S+), after the line starting "(.+)"$')


def steps(text=None):
    """``(instruction, block)`` for every marked block of the guide, in order."""
    return STEP.findall(GUIDE.read_text() if text is None else text)


def apply(root, instruction, block):
    """Apply one marked step to the copy at ``root``; returns the command lines of a ``run`` step."""
    if instruction == "run":
        return [line for line in block.splitlines() if line.strip()]
    if instruction.startswith("create "):
        path = root / instruction.removeprefix("create ")
        assert not path.exists(), f"the guide creates {path.name}, which exists already"
        path.write_text(block + "\n")
        return []
    where = AFTER.match(instruction)
    assert where, f"unknown guide instruction: {instruction!r}"
    path = root / where.group(1)
    lines = path.read_text().splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.startswith(where.group(2))), None)
    assert at is not None, f"{where.group(1)} has no line starting {where.group(2)!r}: the guide is out of date"
    lines[at + 1 : at + 1] = [line + "\n" for line in block.splitlines()]
    path.write_text("".join(lines))
    return []


def test_the_guide_s_instructions_parse():
    found = steps()
    assert [i for i, _ in found if i.startswith(("create", "in "))] and [i for i, _ in found if i == "run"]
    assert all(i == "run" or i.startswith("create ") or AFTER.match(i) for i, _ in found)


def test_an_out_of_date_anchor_is_named(tmp_path):
    (tmp_path / "m.py").write_text("a = 1\n")
    with pytest.raises(AssertionError, match="m.py has no line starting 'b ='"):
        apply(tmp_path, 'in m.py, after the line starting "b ="', "c = 2")
    apply(tmp_path, 'in m.py, after the line starting "a ="', "c = 2")
    assert (tmp_path / "m.py").read_text() == "a = 1\nc = 2\n"


def _files(root):
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [f for f in listed if (ROOT / f).is_file()]


def _digest(root):
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
        and ".git" not in p.parts
        and "__pycache__" not in p.parts
        and "results" not in p.parts
        and ".hypothesis" not in p.parts
        and ".pytest_cache" not in p.parts
        and ".benchmarks" not in p.parts
    }


def _command(line):
    words = shlex.split(line)
    if words[0] == "pytest":
        return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *words[1:]]
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    raise AssertionError(f"the guide runs {words[0]!r}; this test runs only pytest and python")


@pytest.mark.e2e(minutes=2)  # copies the repository, trains 50 digits seeds and runs the fast tier there
def test_following_the_guide_adds_a_schedule_that_comes_out_green(tmp_path):
    pytest.importorskip("tensorflow")
    copy = tmp_path / "repo"
    for name in _files(ROOT):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    before = _digest(copy)
    env = {
        **os.environ,
        "PYTHONPATH": str(copy),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "GIT_AUTHOR_NAME": "guide",
        "GIT_AUTHOR_EMAIL": "guide@example.invalid",
        "GIT_COMMITTER_NAME": "guide",
        "GIT_COMMITTER_EMAIL": "guide@example.invalid",
    }
    for git in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "the repository before the guide"]):
        subprocess.run(["git", *git], cwd=copy, env=env, check=True, capture_output=True)  # a contributor's clone
    for instruction, block in steps():
        for line in apply(copy, instruction, block):
            done = subprocess.run(_command(line), cwd=copy, env=env, capture_output=True, text=True)
            assert done.returncode == 0, f"`{line}` failed in the copy:\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
    registered = subprocess.run(
        [sys.executable, "-c", "import schedules; print(schedules.__file__, schedules.available())"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(copy) in registered and "'invsqrt'" in registered  # the copy's code was what ran
    after = _digest(copy)
    changed = sorted(f for f in after if before.get(f) != after[f])
    assert changed == [
        "baselines/cifar10_resnet.json",
        "baselines/digits.json",
        "bench/benchmarks/cifar10_resnet.py",
        "bench/benchmarks/digits.py",
        "docs/nightlies.md",
        "docs/schedules.md",
        "schedules/__init__.py",
        "schedules/invsqrt.py",
        "tests/schedules/test_reference_values.py",
    ], changed
    digits = json.loads((copy / "baselines" / "digits.json").read_text())["cases"]["holdout"]["invsqrt"]
    assert digits["final_val_accuracy"]["n"] == 40
    assert digits["final_val_accuracy"]["provenance"]["seeds"] == list(range(1000, 1040))
    resnet = json.loads((copy / "baselines" / "cifar10_resnet.json").read_text())["cases"]["published"]["invsqrt"]
    assert resnet["no_baseline_yet"]["why"] == "needs a reviewed GPU run of source A's ResNet"
