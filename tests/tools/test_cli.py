"""``python -m bench`` and ``python -m bench.dev``: their commands, shared options and exit statuses.

Every command answers ``--help``; every shared option (``bench.harness.options.SHARED``) has one name,
metavar and meaning in every command and in the pytest plugin; bad input exits 2 through one place
(``bench.tools.cli.run``), never 1; no name but today's is accepted.
"""

import argparse
import importlib
import subprocess
import sys

import pytest

import bench.__main__ as user
import bench.dev.__main__ as dev
from bench.__main__ import main
from bench.harness import plugin
from bench.harness.options import SHARED
from bench.tools import cli

ENTRIES = {"python -m bench": (user, "bench.tools"), "python -m bench.dev": (dev, "bench.dev")}
ALL = [
    (prog, command, verb, entry[0])
    for prog, (entry_point, _) in ENTRIES.items()
    for command, verbs in entry_point.COMMANDS.items()
    for verb, entry in (verbs.items() if isinstance(verbs, dict) else [(None, verbs)])
]
LINES = [(c, v, m) for prog, c, v, m in ALL if prog == "python -m bench"]


def words(command, verb):
    return [command] + ([verb] if verb else [])


def ids(rows):
    return [" ".join([prog.split()[-1], *words(c, v)]) for prog, c, v, _ in rows]


@pytest.mark.parametrize("prog, command, verb, module", ALL, ids=ids(ALL))
def test_every_command_answers_help_with_its_own_name(prog, command, verb, module, capsys):
    with pytest.raises(SystemExit) as stop:
        ENTRIES[prog][0].main([*words(command, verb), "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: {prog} {' '.join(words(command, verb))} "), out[:120]


def parsers_of(command, verb, monkeypatch, prog="python -m bench"):
    """Every ``ArgumentParser`` the command line builds (a sub-command's too), caught as it parses."""
    caught = []

    def catch(self, args=None, namespace=None):
        caught.append(self)
        raise SystemExit(0)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", catch)
    with pytest.raises(SystemExit):
        ENTRIES[prog][0].main(words(command, verb))
    found = list(caught)
    for p in caught:
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                found += list(action.choices.values())
    return found


def options_of(parsers):
    return [(a, p.prog) for p in parsers for a in p._actions if a.option_strings and a.help != argparse.SUPPRESS]


@pytest.mark.parametrize("prog, command, verb, module", ALL, ids=ids(ALL))
def test_shared_options_have_one_name_metavar_and_meaning_everywhere(prog, command, verb, module, monkeypatch):
    parsers = parsers_of(command, verb, monkeypatch, prog)
    assert parsers, "the command built no parser"
    by_flag = {s.flag: s for s in SHARED.values()}
    wrong = []
    for action, prog in options_of(parsers):
        for flag in action.option_strings:
            shared = by_flag.get(flag)
            if shared and (action.metavar != shared.metavar or not (action.help or "").startswith(shared.meaning)):
                wrong.append(f"{prog} {flag}: metavar {action.metavar!r}, help {action.help!r}")
    assert wrong == [], "\n".join(wrong)
    for p in parsers:  # the benchmark is positional wherever a command takes one
        for action in p._actions:
            assert "--benchmark" not in action.option_strings and action.help != argparse.SUPPRESS, p.prog
            if action.dest == "benchmark" and not action.option_strings:
                assert action.metavar == "BENCHMARK", p.prog


def test_the_pytest_options_share_the_commands_meanings():
    added = {}

    class Group:
        def addoption(self, name, **kwargs):
            added[name] = kwargs

    parser = type("Parser", (), {"getgroup": lambda self, *a, **k: Group(), "addini": lambda self, *a, **k: None})()
    plugin.pytest_addoption(parser)
    shared = [s for s in SHARED.values() if s.pytest]
    assert len(shared) >= 6
    for s in shared:
        assert added[s.pytest]["metavar"] == s.metavar, s.pytest
        assert added[s.pytest]["help"].startswith(s.meaning), s.pytest


def test_a_mismatched_option_is_caught(monkeypatch):
    """The check above can fail: a command that gives --history another metavar is named."""
    import bench.tools.changes as changes

    original = cli.add

    def wrong(p, name, more="", short=None, **kwargs):
        if name == "history":
            return p.add_argument("--history", metavar="PATH", help="somewhere")
        return original(p, name, more, short, **kwargs)

    monkeypatch.setattr(changes.cli, "add", wrong)
    with pytest.raises(AssertionError, match=r"history changes --history: metavar 'PATH'"):
        test_shared_options_have_one_name_metavar_and_meaning_everywhere(
            "python -m bench", "history", "changes", "changes", monkeypatch
        )


def test_help_lists_every_command_and_verb(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m bench <command> [<verb>] [options]")
    for command, verb, _ in LINES:
        assert f"  {' '.join(words(command, verb))} " in out
    assert "speed" not in out and "docs" not in out  # the contributors' tools are python -m bench.dev's
    for command in ("history", "calibrate", "baselines"):
        assert main([command, "--help"]) == 0
        assert capsys.readouterr().out.startswith(f"usage: python -m bench {command} {{")
    assert dev.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m bench.dev <command>") and "  speed tests " in out and "  docs " in out


def test_unknown_names_are_usage_errors_that_list_what_there_is(capsys):
    assert main(["trian"]) == 2
    err = capsys.readouterr().err
    assert "unknown command 'trian'" in err and "  train " in err
    assert main(["history", "--plot"]) == 2 and "unknown verb '--plot'" in capsys.readouterr().err
    assert main(["baselines"]) == 2 and "a verb is needed" in capsys.readouterr().err
    assert dev.main(["speed"]) == 2 and "a verb is needed" in capsys.readouterr().err


RETIRED = [
    ["changes", "ionosphere"],  # now history changes
    ["cross_version", "--help"],  # now matrix
    ["speed_tests", "--help"],  # now python -m bench.dev speed tests
    ["speed", "tests", "--help"],  # a contributor's tool: python -m bench.dev
    ["history", "ionosphere"],  # now history show ionosphere
    ["calibrate", "ionosphere"],  # now calibrate gates ionosphere
]


@pytest.mark.parametrize("argv", RETIRED, ids=[" ".join(a[:2]) for a in RETIRED])
def test_no_spelling_but_today_s_is_accepted(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "unknown command" in err or "unknown verb" in err
    assert "commands:" in err or "verbs:" in err  # what there is, listed


def test_no_option_but_today_s_is_accepted(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["train", "--benchmark", "ionosphere", "--case", "step"])
    assert stop.value.code == 2 and "unrecognized arguments: --benchmark" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["calibrate", "gates", "ionosphere", "--results", str(tmp_path / "r.jsonl")])
    assert stop.value.code == 2 and "unrecognized arguments: --results" in capsys.readouterr().err


def test_bad_input_is_exit_2_in_the_one_place_and_1_is_kept_for_findings(tmp_path, capsys):
    """Bad input to published and calibrate changes exits 2, with what to give instead."""
    (tmp_path / "cifar10_resnet.json").write_text("{}")
    assert main(["baselines", "published", "cifar10_resnet", "--baselines", str(tmp_path)]) == 2
    assert "refusing to overwrite it" in capsys.readouterr().err
    empty = tmp_path / "none.jsonl"
    empty.write_text("")
    assert main(["calibrate", "changes", "ionosphere", "--records", str(empty)]) == 2
    assert "python -m bench calibrate changes: error: no calibration records of ionosphere" in capsys.readouterr().err
    assert main(["calibrate", "changes", "ionosphere"]) == 2
    assert "give --records FILE" in capsys.readouterr().err


def test_a_usage_error_becomes_exit_2_and_a_line_on_stderr_only_in_run(capsys):
    def failing(argv):
        raise cli.UserError("give a folder")

    assert cli.run(failing, [], prog="python -m bench x") == 2
    assert capsys.readouterr().err == "python -m bench x: error: give a folder\n"
    assert cli.run(lambda argv: None, []) == 0 and cli.run(lambda argv: 1, []) == 1
    with pytest.raises(cli.UserError):
        failing([])  # a command's main raises it; only run turns it into a status


def test_every_command_module_has_a_main():
    for prog, _, _, module in ALL:
        assert callable(importlib.import_module(f"{ENTRIES[prog][1]}.{module.split()[0]}").main), module


def test_runs_as_a_module():
    for entry in ("bench", "bench.dev"):
        done = subprocess.run([sys.executable, "-m", entry], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and "commands:" in done.stdout
