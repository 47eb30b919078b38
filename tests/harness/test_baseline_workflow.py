"""Baselines for a new case by the one command the suite prints, touching nothing else; and what a
first run reads like: alpha counted over the cases judged here, the table last, why a case did not train.

These run the real accuracy tests (``tests/test_accuracy.py``) on ionosphere and digits in an inner
pytest session, against a copy of the repository's baselines.
"""

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from bench.stores import baselines

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.e2e  # each test trains real cases in an inner session: 5-20 s

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _tensorflow_first():
    """As in test_plugin.py: import TensorFlow and the benchmarks before pytester exists (it unloads
    what a test imported, and TensorFlow cannot be imported twice)."""
    pytest.importorskip("tensorflow")
    import schedules.backend  # noqa: F401
    from bench import benchmarks
    from schedules.backend import tensorflow_backend_reason

    if tensorflow_backend_reason():
        pytest.skip(tensorflow_backend_reason())
    benchmarks.all_benchmarks()


@pytest.fixture
def accuracy(pytester, tmp_path):
    """Run the repository's accuracy tests with the given options, on a copy of baselines/."""
    shutil.copytree(ROOT / "baselines", tmp_path / "baselines")
    pytester.makeini("[pytest]\nmarkers =\n    slow: trains\n    gpu: needs a GPU\n")
    pytester.makepyfile(test_accuracy=(ROOT / "tests" / "test_accuracy.py").read_text())

    def run(*args):
        return pytester.runpytest(
            "-p",
            "bench.harness.plugin",
            "-p",
            "no:hypothesispytest",
            "-p",
            "no:cacheprovider",
            f"--bench-baselines={tmp_path / 'baselines'}",
            f"--bench-results={tmp_path / 'results'}",
            *args,
        )

    run.baselines = tmp_path / "baselines"
    return run


def _entries(path):
    return json.loads(Path(path).read_text())["cases"]


def test_a_removed_entry_is_recreated_by_the_printed_command_and_nothing_else_changes(accuracy):
    digits = accuracy.baselines / "digits.json"
    before_text = {p.name: p.read_bytes() for p in accuracy.baselines.iterdir()}
    doc = json.loads(digits.read_text())
    removed = doc["cases"]["holdout"].pop("step")
    baselines.write_atomic(digits, doc)
    without_step = digits.read_bytes()

    # with a history store (the default) the case collects its baseline over nights and no file is written
    collecting = accuracy("-m", "slow", "--bench-case=digits/holdout/step", "--bench-strict")
    collecting.assert_outcomes(passed=1)
    collecting.stdout.fnmatch_lines(["*collecting: digits/holdout/step: 10 of 20 seeds*"])
    assert digits.read_bytes() == without_step  # a night never writes a baseline

    # without one, such a case cannot be judged: nothing trains, and the one command that measures it is printed
    refused = accuracy("-m", "slow", "--bench-case=digits", "--bench-history=off")
    assert refused.ret == pytest.ExitCode.USAGE_ERROR  # nothing trained
    message = refused.stderr.str() + refused.stdout.str()
    assert "has no entry holdout/step" in message
    command = re.search(r"create it with: (pytest [^;\n]*)", message).group(1)
    assert command == (
        "pytest -m slow --bench-case=digits/holdout/step --update-baselines --bench-seeds=40 --bench-first-seed=1000"
    )

    made = accuracy(*shlex.split(command)[1:])
    made.assert_outcomes(passed=1)  # that case alone trained
    after = _entries(digits)
    original = json.loads(before_text["digits.json"])["cases"]["holdout"]
    assert list(after["holdout"]) == [c for c in original if c != "step"] + ["step"]
    step = after["holdout"]["step"]
    assert step["final_val_accuracy"]["provenance"]["seeds"] == list(range(1000, 1040))
    assert step["final_val_accuracy"]["values"] == removed["final_val_accuracy"]["values"]  # same seeds, same bits
    for case, entries in after["holdout"].items():
        if case != "step":
            assert json.dumps(entries, indent=2) == json.dumps(original[case], indent=2), case
    for path in accuracy.baselines.iterdir():  # every other benchmark's file byte for byte
        if path.name != "digits.json":
            assert path.read_bytes() == before_text[path.name], path.name


def test_a_case_that_cannot_train_here_does_not_change_the_others_alpha(accuracy):
    alone = accuracy("-m", "slow", "--bench-case=ionosphere/published/step")
    alone.assert_outcomes(passed=1)
    with_gpu_case = accuracy(
        "-m", "slow", "--bench-case=ionosphere/published/step", "--bench-case=cifar10_resnet/published/cosine"
    )
    with_gpu_case.assert_outcomes(passed=1, skipped=1)
    for result in (alone, with_gpu_case):  # T = 3: ionosphere step's gated metrics; the GPU case is judged on nothing
        result.stdout.fnmatch_lines(["gates: worse*alpha 0.0033 = 1 % / the session's gated*"])
    out = with_gpu_case.stdout.str()
    assert "PytestBenchmarkWarning" not in out and "Name (time in" not in out  # no timer table, no unused timer
    lines = out.splitlines()
    table_end = max(i for i, line in enumerate(lines) if line.startswith("ionosphere "))
    tail = [
        line for line in lines[table_end + 1 :] if line.strip() and not line.startswith(("=", "gates:", "schedules "))
    ]
    assert any(line.startswith("did not train: cifar10_resnet/published/cosine: needs a GPU") for line in tail), tail


def test_a_case_selection_names_what_is_valid(accuracy):
    bad = accuracy("-m", "slow", "--bench-case=digits/holdout/stpe")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    assert "--bench-case=digits/holdout/stpe: Unknown digits case 'stpe'; valid: constant" in bad.stderr.str()
