"""Every command line the README, docs/ and the help texts show is parsed by the suite's own parsers.

A ``python -m bench ...`` or ``python -m bench.dev ...`` line goes through the command's real
``ArgumentParser`` (caught as it parses, so nothing trains); a ``pytest ...`` line's ``--bench-*`` options
and ``--update-baselines`` go through the plugin's options as pytest builds them. An unknown, retired or
misspelt command, verb or option fails, naming the page and line. Placeholders in a line (``BENCHMARK``,
``<case>``, ``[--seeds N]``, ``...``) are given sample values first (``SAMPLES``).
"""

import argparse
import re
import shlex
import warnings
from pathlib import Path

import pytest

import bench.__main__ as user
import bench.dev.__main__ as dev
from bench.harness import plugin

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ENTRY = {"bench": user, "bench.dev": dev}

# a placeholder -> a value its command accepts
SAMPLES = {
    "BENCHMARK": "digits",
    "BENCHMARK/PROTOCOL/CASE": "digits/holdout/step",
    "BENCHMARK[/PROTOCOL[/CASE]]": "digits",
    "PROTOCOL": "holdout",
    "CASE": "step",
    "C": "step",
    "P": "holdout",
    "GOOD": "HEAD~1",
    "BAD": "HEAD",
    "BASE": "main",
    "HEAD": "HEAD",
    "URL": "sqlite:///h.sqlite",
    "DIR": "d",
    "FOLDER": "d",
    "OUT_DIR": "out",
    "FILE": "f.jsonl",
    "RESULTS": "results",
    "N": "2",
    "S": "0",
    "K": "2",
    "HOURS": "10",
    "ALPHA": "0.01",
    "REGRESSION": "lr_x2",
    "<name>": "digits",
    "<protocol>": "holdout",
    "<case>": "step",
    "<benchmark>": "digits",
    "<merge base>": "main",
    "<head>": "HEAD",
}
PUBLISHED = "cifar10_resnet"  # a benchmark with published figures, for ``baselines published``
# where a line starts, and where it ends: at a shell operator, a comment, or the end of its code
START = re.compile(r"(?:^|(?<=[\s`$(]))(python -m bench(?:\.dev)?|pytest)(?=\s|$|`)")


def _cut(text):
    """The command at the start of ``text``, up to a shell operator, a comment, or a note in parentheses."""
    cut = re.split(r"\s(?:&&|\|\||\||;|#|>)\s|\s{2,}\(|\)$", text)[0]
    return re.sub(r"(?<!\.)[.,;:]$", "", cut.strip())


def snippets(text):
    """``(line number, command line)`` for every command shown in code: fenced blocks (where a block has ``$``
    prompts, only its prompted lines; a line ending in ``\\`` continues) and inline spans."""
    out, block = [], None
    lines = text.splitlines()
    for n, line in enumerate(lines, 1):
        if line.lstrip().startswith("```"):
            block = [] if block is None else _block(out, block)
            continue
        if block is not None:
            block.append((n, line))
            continue
        for span in (m.group(2) for m in re.finditer(r"(`+)(.+?)\1", line)):
            out += [(n, _cut(span[f.start() :])) for f in START.finditer(span)]
    return out


def _block(out, block):
    prompted = any(line.lstrip().startswith("$ ") for _, line in block)
    joined, start, held = [], None, ""
    for n, line in block:
        start = n if not held else start
        held = f"{held} {line.strip()}" if held else line
        if held.endswith("\\"):
            held = held[:-1].rstrip()
            continue
        joined.append((start, held))
        held = ""
    for n, line in joined:
        line = line.strip()
        if prompted:
            if not line.startswith("$ "):
                continue
            line = line[2:]
        out += [(n, _cut(line[f.start() :])) for f in START.finditer(line) if f.start() == 0]
    return None


def help_snippets(text):
    """The commands a help text names, each up to a parenthesis, comma or semicolon."""
    return [re.split(r"[),;`]|\s\(", text[f.start() :])[0].strip().rstrip(".:") for f in START.finditer(text)]


def help_texts():
    """``(where, text)`` of every help text: each command's description and options, the plugin's options."""
    texts = []
    for name, entry in ENTRY.items():
        for command, verbs in entry.COMMANDS.items():
            for verb in verbs if isinstance(verbs, dict) else [None]:
                argv = [command] + ([verb] if verb else [])
                for p in _parsers(entry, argv):
                    where = p.prog
                    texts += [(where, p.description or "")]
                    texts += [(where, a.help or "") for a in p._actions if a.help != argparse.SUPPRESS]
    added = {}

    class Group:
        def addoption(self, name, **kwargs):
            added[name] = kwargs

    fake = type("Parser", (), {"getgroup": lambda self, *a, **k: Group(), "addini": lambda self, *a, **k: None})()
    plugin.pytest_addoption(fake)
    texts += [(f"pytest {name}", kwargs.get("help", "")) for name, kwargs in added.items()]
    return texts


class Parsed(Exception):
    """Raised once a command's parser has accepted the line: nothing after parsing runs."""


def _parsers(entry, argv):
    caught = []
    original = argparse.ArgumentParser.parse_args

    def catch(self, args=None, namespace=None):
        caught.append(self)
        raise Parsed

    argparse.ArgumentParser.parse_args = catch
    try:
        entry.main(argv)
    except (Parsed, SystemExit):
        pass
    finally:
        argparse.ArgumentParser.parse_args = original
    return caught


def _fill(line):
    line = re.sub(r"\[[^\[\]]*\]", "", re.sub(r"\[[^\[\]]*\]", "", line))  # optional parts, two deep
    line = re.sub(r"(\s--[\w-]+)\s+(\.\.\.|…)(?=\s|$)", r"\1 x", line)  # an option's value left out
    line = re.sub(r"(^|\s)(\.\.\.|…)(?=\s|$)", " ", line)
    if "baselines published" in line:
        line = re.sub(r"(baselines published )(BENCHMARK|<benchmark>|<name>)", rf"\g<1>{PUBLISHED}", line)
    for name, value in sorted(SAMPLES.items(), key=lambda kv: -len(kv[0])):
        line = re.sub(rf"(?<![\w/-]){re.escape(name)}(?![\w-])", value, line)
    return line


def problem(line):
    """None when the suite's parsers accept ``line``; else what is wrong."""
    try:
        words = shlex.split(_fill(line))
    except ValueError as err:
        return f"cannot be split as a shell line ({err})"
    if "<command>" in line:
        return None  # the shape of every command line, not one command
    if words[0] == "pytest":
        return _pytest_problem(words[1:])
    return _command_problem(ENTRY[words[2]], words[:3], words[3:])


def _command_problem(entry, prog, argv):
    import contextlib
    import io

    original = argparse.ArgumentParser.parse_args
    accepted = []

    def parse(self, args=None, namespace=None):
        original(self, args, namespace)
        accepted.append(self.prog)
        raise Parsed

    err = io.StringIO()
    argparse.ArgumentParser.parse_args = parse
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = entry.main(argv)
    except Parsed:
        return None
    except SystemExit as stop:
        status = stop.code
    finally:
        argparse.ArgumentParser.parse_args = original
    if status == 0 and (not argv or "-h" in argv or "--help" in argv):
        return None
    message = err.getvalue().strip().splitlines()
    if _names_a_command(entry, argv) and any("a verb is needed" in m or "arguments are required" in m for m in message):
        return None  # the line names a command or group in prose; its words are today's
    message = [m for m in message if "error:" in m or "unknown" in m] or message
    return message[-1] if message else f"{' '.join(prog)} {' '.join(argv)} exits {status} before parsing"


def _names_a_command(entry, argv):
    """Whether ``argv`` is only a command's words (``history``, ``calibrate gates``), all of them today's."""
    if not argv or argv[0] not in entry.COMMANDS:
        return False
    verbs = entry.COMMANDS[argv[0]]
    if isinstance(verbs, dict):
        return len(argv) == 1 or (len(argv) == 2 and argv[1] in verbs)
    return len(argv) == 1


def _pytest_problem(argv):
    from _pytest.config.argparsing import Parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parser = Parser(processopt=None)
    plugin.pytest_addoption(parser)
    try:
        _, unknown = parser.parse_known_and_unknown_args(argv)
    except (pytest.UsageError, SystemExit) as err:
        return str(err).splitlines()[-1]
    wrong = [a for a in unknown if a.startswith(("--bench-", "--update"))]  # not pytest-benchmark's --benchmark-*
    return f"unknown option(s) {', '.join(wrong)}" if wrong else None


def all_lines():
    found = []
    for page in PAGES:
        for n, line in snippets(page.read_text()):
            found.append((f"{page.relative_to(ROOT)}:{n}", line))
    for where, text in help_texts():
        found += [(f"help of {where}", line) for line in help_snippets(text)]
    return found


def test_every_command_line_the_docs_and_helps_show_parses():
    lines = all_lines()
    assert len(lines) > 100  # the pages show commands: the extraction works
    wrong = [f"{where}: `{line}`: {why}" for where, line in lines if (why := problem(line))]
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize(
    "line, why",
    [
        ("python -m bench history dashboard out --benchmark ionosphere", "unrecognized arguments: --benchmark"),
        ("python -m bench history show ionosphere --case published/step", "a case's name"),
        ("python -m bench speed_schedules", "unknown command 'speed_schedules'"),
        ("python -m bench cross_version results/*", "unknown command 'cross_version'"),
        ("python -m bench speed tests", "unknown command 'speed'"),
        ("python -m bench bisect GOOD BAD --case digits/holdout/step", "the following arguments are required"),
        ("pytest -m slow --bench-seed=3", "unknown option(s) --bench-seed=3"),
        ("pytest -m slow --bench-seeds=three", "invalid int value"),
    ],
)
def test_a_retired_or_misspelt_line_is_refused(line, why):
    assert why in (problem(line) or ""), problem(line)


@pytest.mark.parametrize(
    "line",
    [
        "python -m bench train BENCHMARK --case step [--seed N]",
        "python -m bench bisect GOOD BAD --select BENCHMARK/PROTOCOL/CASE",
        "python -m bench.dev speed tests --runs 3",
        "pytest -m slow --bench-case=digits/holdout/step --bench-seeds=40 --bench-first-seed=1000",
        "python -m bench --help",
    ],
)
def test_today_s_lines_are_accepted(line):
    assert problem(line) is None


def test_a_planted_retired_spelling_on_a_page_is_named_with_its_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Run\n\n```bash\npython -m bench history changes digits\npython -m bench changes digits\n```\n")
    found = [(n, line, problem(line)) for n, line in snippets(page.read_text())]
    assert [(n, why is None) for n, _, why in found] == [(4, True), (5, False)]
    assert "unknown command 'changes'" in found[1][2]
