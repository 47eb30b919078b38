"""Every CPU benchmark gives bit-identical per-seed metrics when re-run with the same seed (short runs).

What is and is not reproducible beyond this (other CPUs, TF versions, GPUs) is in
docs/calibration.md#reproducibility.
"""

import pytest

from bench import benchmarks
from bench.benchmarks import RunOptions

CPU = [b for b in benchmarks.all_benchmarks() if not b.needs_gpu]
# one case each that needs no range test (1cycle on Boston runs one first: slower, same code path)
CASES = {
    "ionosphere": ("published", "step"),
    "digits": ("holdout", "cosine"),
    "boston_housing": ("keras_split", "constant"),
}


@pytest.mark.e2e  # trains each benchmark three times: about 1.3 s each
@pytest.mark.parametrize("declared", CPU, ids=lambda b: b.name)
def test_same_seed_same_numbers(declared):
    if declared.unmet(RunOptions()):
        pytest.skip(declared.unmet(RunOptions())[1])
    protocol, case = CASES[declared.name]
    first, again = (declared.train(case, 7, protocol, options=RunOptions(epochs=2)) for _ in range(2))
    assert first.metrics == again.metrics and first.history["train_loss"] == again.history["train_loss"]
    other = declared.train(case, 8, protocol, options=RunOptions(epochs=2))
    assert other.metrics["final_train_loss"] != first.metrics["final_train_loss"]  # the seed matters


def test_every_cpu_benchmark_has_a_reproducibility_case():
    assert set(CASES) == {b.name for b in CPU}
