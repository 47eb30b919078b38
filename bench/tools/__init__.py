"""Command-line programs: ``python -m bench <tool>`` (or ``python -m bench.tools.<tool>``).

See ``python -m bench --help`` for the list.
"""
