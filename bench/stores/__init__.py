"""Where records are kept, and nothing else: no statistics, no pytest.

``baselines`` (the baseline files of ``baselines/``, their entries and provenance), ``results`` (a
session's results folder: ``results.jsonl``, every record of one session, and one file per pytest-xdist
worker until merged), ``history_store`` (every night's records in one SQL database, SQLite or PostgreSQL,
chosen by URL), ``provenance`` (a night's description, built once, kept in its folder as ``session.json``),
``sides`` (a revision's runs kept for ``compare`` and ``bisect``, keyed by its code's fingerprint, the
machine and the options), ``writers`` (the one interface a session writes records through,
``write(record)``: a results folder, or a night of a history store), ``project`` (the project guarded: its
``[tool.lr_bench]`` benchmarks and baseline folder).

Uses the engine's records.
"""
