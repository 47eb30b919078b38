"""What every command of ``python -m bench`` shares: its options, defined once, and its one usage error.

``dispatch`` maps a command line to its module (``python -m bench`` and ``python -m bench.dev``).
``UserError`` is bad input (an unknown name, a file that must not exist, too few seeds): its message says
what to give instead. ``run`` is the one place it becomes a message on stderr and exit status 2; exit 1
is kept for a finding (a shift, a failed verdict). ``add`` adds a shared option
(``bench.harness.options.SHARED``: the same name, metavar and meaning as the pytest option where there is
one); ``add_benchmark`` adds the benchmark, positional in every command.
"""

import argparse
import importlib
import sys
from pathlib import Path

from bench.harness.options import SHARED

PROG = "python -m bench"
DEV_PROG = "python -m bench.dev"  # the contributors' tools (bench/dev/)


class UserError(Exception):
    """Bad input to a command. ``run`` prints it and exits 2."""


def parser(command, description, prog=PROG):
    """An ``ArgumentParser`` for ``prog COMMAND`` (``command``: its words, e.g. "history changes")."""
    return argparse.ArgumentParser(prog=f"{prog} {command}", description=description)


def add(p, name, more="", short=None, **kwargs):
    """Add the shared option ``name`` to ``p``: its flag (and ``short``, e.g. ``-c``), metavar and meaning from
    ``SHARED``, ``more`` after the meaning (its default here), ``kwargs`` as ``add_argument`` takes them."""
    shared = SHARED[name]
    flags = [shared.flag] + ([short] if short else [])
    if name == "case":
        kwargs.setdefault("type", case_name)
    return p.add_argument(*flags, metavar=shared.metavar, help=shared.help(more), **kwargs)


def case_name(text):
    """``--case``'s value: a case's name within its benchmark (``step``); a whole case id is ``--select``'s."""
    if "/" in text:
        raise argparse.ArgumentTypeError(
            f"{text!r}: --case takes a case's name, e.g. step; give a whole BENCHMARK/PROTOCOL/CASE to --select"
        )
    return text


def add_benchmark(p, which=None, optional=False, many=False):
    """The benchmark, positional: one (or, ``optional``, none: every one; ``many``: any number), from
    ``which`` (default: every registered benchmark)."""
    if which is None:
        from bench import benchmarks  # here, not at the top: the command list (``python -m bench``) imports no NumPy

        which = benchmarks.names()
    names = list(which)
    if many:
        return p.add_argument(
            "benchmark", nargs="*", metavar="BENCHMARK", help=f"benchmarks (default: every one): {', '.join(names)}"
        )
    kwargs = {"nargs": "?", "default": None} if optional else {}
    more = " (default: every benchmark)" if optional else ""
    return p.add_argument(
        "benchmark", metavar="BENCHMARK", choices=names, help=f"one of {', '.join(names)}{more}", **kwargs
    )


def not_there(path, option):
    """``UserError`` when the file an option names exists: the suite never overwrites a report."""
    if path and Path(path).exists():
        raise UserError(f"{option} {path} exists; this suite never overwrites a report. Choose a new file name.")


def run(main, argv=None, prog=PROG):
    """Call a command's ``main(argv)``; a ``UserError`` is printed as ``PROG: error: ...`` on stderr and
    becomes exit status 2. Returns the exit status (``main``'s, 0 when it returns None)."""
    try:
        result = main(argv)
    except UserError as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    return result if isinstance(result, int) else 0


def usage(prog, commands):
    """The usage text of ``prog``: each command (and each verb of a group) with what it does."""
    lines = [
        f"usage: {prog} <command> [<verb>] [options]",
        f"       ({prog} <command> [<verb>] --help for its options)",
    ]
    rows = [
        (f"{command} {verb}" if verb else command, text)
        for command, entry in commands.items()
        for verb, (_, text) in (entry.items() if isinstance(entry, dict) else [("", entry)])
    ]
    width = max(len(words) for words, _ in rows)
    return "\n".join([*lines, "", "commands:", *(f"  {words:<{width}}  {text}" for words, text in rows)])


def group_usage(prog, command, verbs):
    width = max(map(len, verbs))
    return "\n".join(
        [f"usage: {prog} {command} {{{','.join(verbs)}}} [options]", "", "verbs:"]
        + [f"  {verb:<{width}}  {text}" for verb, (_, text) in verbs.items()]
    )


def dispatch(prog, package, commands, argv):
    """Run the command line ``argv`` of ``prog``: ``commands`` maps a command to ``(module of package, what it
    does)`` or to ``{verb: (module, what it does)}``; a module's entry may carry fixed first words of its argv
    (``"store import"``). Unknown names and a group without its verb are usage errors (exit 2) that list what
    there is."""
    if not argv or argv[0] in ("-h", "--help"):
        print(usage(prog, commands))
        return 0 if argv else 2
    first, rest = argv[0], list(argv[1:])
    entry = commands.get(first)
    if entry is None:
        print(f"{prog}: unknown command {first!r}.\n\n{usage(prog, commands)}", file=sys.stderr)
        return 2
    words = [first]
    if isinstance(entry, dict):
        if rest and rest[0] in ("-h", "--help"):
            print(group_usage(prog, first, entry))
            return 0
        if not rest or rest[0] not in entry:
            wrong = f"unknown verb {rest[0]!r}" if rest else "a verb is needed"
            print(f"{prog} {first}: {wrong}.\n\n{group_usage(prog, first, entry)}", file=sys.stderr)
            return 2
        words.append(rest[0])
        entry, rest = entry[rest[0]], rest[1:]
    module, *fixed = entry[0].split()
    tool = importlib.import_module(f"{package}.{module}")
    return run(tool.main, fixed + rest, prog=f"{prog} {' '.join(words)}")
