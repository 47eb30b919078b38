"""A night's plan under a budget: what trains tonight, what waits for a later night, and the seeds a case
collects for a baseline of its own (docs/nightlies.md#a-nights-budget).

``plan`` is pure (estimates, rotation, due nights); ``ledger`` reads what it needs of the history store
(earlier nights of this machine, the seeds a case has collected). The pytest glue is
``bench.harness.session``; the table is ``bench.report.tables.plan_table``.
"""
