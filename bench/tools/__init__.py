"""Command-line programs: ``python -m bench <tool>`` (or ``python -m bench.tools.<tool>``); ``python -m bench
--help`` lists them with a line each.

- a run: ``train`` (one case, one seed, with its report), ``history`` (a benchmark's last runs from results
  folders);
- the history store: ``store`` (import folders, show what a store holds), ``changes`` (shifts across nights),
  ``dashboard`` (the nights as a page);
- the version matrix: ``cross_version`` (a verdict per environment);
- baselines: ``published`` (the published figures beside ours), ``pending`` (a case that cannot be measured
  here, and why);
- calibration: ``calibrate`` (the gates' false alarms and misses), ``calibrate_matrix`` (the matrix's),
  ``calibrate_changes`` (the change points');
- speed: ``speed_schedules``, ``speed_ionosphere``, ``speed_resnet``, ``speed_tests`` (with its pytest plugin
  ``_pytest_timeline``) and ``speed_history``.
"""
