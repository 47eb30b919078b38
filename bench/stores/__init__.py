"""Where records are kept, and nothing else: no statistics, no pytest.

``baselines`` (the baseline files of ``baselines/``, their entries and provenance), ``results`` (a session's
results folder: ``session.json`` and one JSONL file of per-seed records per benchmark), ``history_store``
(every night's records in one SQL database, SQLite or PostgreSQL, chosen by URL), ``writers`` (the one
interface a session writes records through, ``write(record)``, chosen by URL: a results folder or a night
of a history store).

Uses the engine's records.
"""
