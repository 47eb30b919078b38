"""bench/__main__.py: ``python -m bench <tool>`` finds every tool, and says what is wrong otherwise."""

import importlib
import subprocess
import sys

import pytest

from bench.__main__ import TOOLS, main


def test_every_listed_tool_is_a_module_with_a_main():
    for tool in TOOLS:
        assert callable(importlib.import_module(f"bench.tools.{tool}").main), tool


def test_help_lists_the_tools(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m bench <tool>") and all(f"  {tool} " in out for tool in TOOLS)


def test_unknown_tool_is_a_usage_error_that_lists_the_tools(capsys):
    assert main(["trian"]) == 2
    err = capsys.readouterr().err
    assert "unknown tool 'trian'" in err and "  train " in err


def test_a_tool_gets_its_own_arguments(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["published", "--help"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("usage: python -m bench published")


def test_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "bench"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "tools:" in done.stdout
