"""Tests of ``python -m bench``'s commands. ``command("history changes")`` is that command line as a function
of its arguments, run in this process as ``python -m bench`` runs it (``bench.__main__.main``): it returns the
exit status, and a usage error (``bench.tools.cli.UserError``) is its message on stderr and exit status 2."""

from bench.__main__ import main as bench_main


def command(words):
    def run(argv):
        return bench_main([*words.split(), *argv])

    return run
