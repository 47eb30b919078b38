"""The contributors' tools, ``python -m bench.dev <command>`` (``bench/dev/__main__.py`` lists them); a user of
the suite never needs them, and ``python -m bench`` lists only what a user does:

- ``docs``: the docs' generated regions (the schedule reference, the GPU nightly's costs), written from the code
  and checked by a test;
- ``speed``: the suite's own speed, ``speed_schedules``, ``speed_ionosphere``, ``speed_resnet``, ``speed_history``,
  ``speed_compare`` and ``speed_tests`` (with its pytest plugin ``_pytest_timeline``), docs/speed.md.
"""
