"""Rendering of result records: terminal / Markdown / JSON tables, PNG plots, the HTML report.

Measures nothing: it reads the engine's records and the harness's verdicts as plain data.
"""
