"""Tests of ``python -m bench.dev``'s tools. ``command("speed tests")`` is that command line as a function of its
arguments, run in this process as ``python -m bench.dev`` runs it (``bench.dev.__main__.main``)."""

from bench.dev.__main__ import main as dev_main


def command(words):
    def run(argv):
        return dev_main([*words.split(), *argv])

    return run
