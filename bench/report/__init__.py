"""Rendering of result records: ``tables`` (terminal / Markdown / JSON tables), ``plots`` (PNG curves),
``html`` (the HTML report of a session), ``changes`` (a comparison of two revisions), ``dashboard`` (the
history's nights as an HTML page) and ``tensorboard`` (event files per case and seed).

Measures nothing: it reads the engine's records and the harness's verdicts as plain data.
"""
