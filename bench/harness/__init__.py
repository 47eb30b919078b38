"""The pytest side of the benchmark tier, the stores it writes and the statistics it judges with.

- pytest glue: ``plugin`` (options and hooks that hand off), ``session`` (a session's state and a case's
  run), ``progress`` (progress lines), ``summary`` (the table that ends a session and the report files),
  ``baseline_writer`` (``--update-baselines``, ``--bench-confirm-baselines``), ``ray_runner`` (``--bench-ray``);
- stores: ``baselines`` (the baseline files), ``results`` (a session's results folder), ``history_store``
  (every night's records in one database, chosen by URL);
- statistics: ``gates`` (a case's two gates), ``verdicts`` (a judged metric and its messages), ``matrix``
  (a verdict per environment of the version matrix), ``changepoints`` (a shift across nights) and
  ``night_series`` (a benchmark's nights as the series those read).

Uses the benchmarks (what to train), the engine's records and the report (what to print).
"""
