"""The tree is as ``ruff format`` writes it and ``ruff check`` finds nothing (pyproject.toml's [tool.ruff]).

Fix a failure with ``ruff format && ruff check --fix`` at the repository's root, then read what is left.
"""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def ruff(*args):
    binary = pytest.importorskip("ruff.__main__").find_ruff_bin()
    return subprocess.run([binary, *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_check_finds_nothing():
    done = ruff("check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_tree_is_as_ruff_format_writes_it():
    done = ruff("format", "--check", "--no-cache", ".")
    assert done.returncode == 0, "ruff format would change:\n" + done.stdout + done.stderr


def test_ruff_does_fail_on_an_unformatted_file_and_an_unused_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nx  =  1\n")
    assert ruff("check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad)).returncode == 1
    assert ruff("format", "--check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad)).returncode == 1
