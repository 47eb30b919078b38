"""The commands of ``python -m bench``, one module each, grouped by what a user is doing
(``bench/__main__.py`` maps command lines to modules; ``python -m bench --help`` lists them):

- ``cli``: what every command shares: its options (``bench.harness.options.SHARED``), ``UserError``
  and ``run``, the one place bad input becomes exit status 2;
- a run: ``train`` (one case, one seed, with its report); ``matrix`` is ``cross_version`` (a verdict
  per environment);
- a change: ``compare`` (two revisions on the same seeds) and ``bisect`` is ``bisection`` (the commit
  that changed a case; not ``bisect``, which would shadow the standard library's module where this folder
  is on ``sys.path``), both on ``revisions`` (a revision resolved, fingerprinted, checked out and trained);
- ``history``: ``show`` is ``history`` (a benchmark's last sessions from a results root), ``changes``
  (shifts across nights), ``dashboard`` (the nights as a site), ``import`` and ``info`` are ``store``;
- ``baselines``: ``published`` (the published figures as a baseline file), ``pending`` (a case that
  cannot be measured here, and why), ``from-history`` is ``from_history`` (a case's entries from the seeds
  its nights collected);
- ``calibrate``: ``gates`` is ``calibrate`` (the gates' false alarms and misses), ``matrix`` is
  ``calibrate_matrix``, ``changes`` is ``calibrate_changes``,
  ``compare`` is ``calibrate_compare``.

What times the suite's own code is a contributor's tool, apart: ``bench/dev/`` (``python -m bench.dev``).
"""
