"""The statistics the suite judges with, as functions of plain numbers and records: no files, no pytest.

``gates`` (a case's two gates against its baseline), ``verdicts`` (a judged metric and its messages),
``matrix`` (one verdict per environment of the version matrix), ``pairs`` (one case at two revisions, seed
for seed: identical, changed or worse), ``changepoints`` (a shift across nights),
``night_series`` (a benchmark's nights as the series those read), ``figures`` (calibration's effect sizes,
the seeds a nightly needs, a rate's exact interval), ``tails`` (a p-value read off a sorted simulated null).
Distributions and tests come from ``scipy.stats`` (Student's t from ``scipy.special``, the function it calls).

Uses the engine's records and the baseline files' entries (``bench.stores.baselines``).
"""
