"""The pytest glue of the benchmark tier.

``plugin`` (options and hooks that hand off), ``session`` (a session's state and a case's run), ``books``
(what a session trained and judged; a pytest-xdist worker's handed to the controller), ``progress``
(progress lines), ``summary`` (the table that ends a session and the report files), ``baseline_writer``
(``--update-baselines``, ``--bench-confirm-baselines``), ``ray_runner`` (``--bench-ray``), ``cases`` (the
benchmark cases as one test a project's own test module collects).

Uses the benchmarks (what to train), the stores (where records go), the statistics (how they are judged)
and the report (what to print).
"""
