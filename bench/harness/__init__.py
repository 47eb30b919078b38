"""The pytest side of the slow suite: the plugin (options, session, gates) and the baseline files.

Uses the benchmarks (what to train), the engine's records and the report (what to print).
"""
