"""--bench-xla and --bench-mixed-precision: the same accuracy on a short CPU run, and said in the record."""

import numpy as np
import pytest

pytest.importorskip("keras")
from schedules.backend import tensorflow_backend_reason  # noqa: E402

pytestmark = [
    pytest.mark.skipif(tensorflow_backend_reason() is not None, reason=str(tensorflow_backend_reason())),
    pytest.mark.e2e,
]  # XLA compiles, float16 trains: about 20 s
from bench.benchmarks import RunOptions, digits, ionosphere  # noqa: E402


def _runs(module, case, protocol, options, seeds=(0, 1)):
    return [module.BENCHMARK.train(case, seed, protocol, options=options) for seed in seeds]


@pytest.mark.parametrize(
    "module, case, protocol, epochs", [(ionosphere, "step", "published", 12), (digits, "step", "holdout", 2)]
)
@pytest.mark.parametrize("option", ["xla", "mixed_precision"])
def test_option_keeps_accuracy_and_is_recorded(module, case, protocol, epochs, option):
    plain = _runs(module, case, protocol, RunOptions(epochs=epochs, engine="keras"))
    tried = _runs(module, case, protocol, RunOptions(epochs=epochs, **{option: True}))
    for run in tried:
        assert run.environment[option] is True and run.environment["engine"] == "keras"
    for run in plain:
        assert run.environment[option] is False
    # parity: the seeds' mean final accuracy within 2 points (float16 arithmetic moves single rows: 7 of
    # digits' 600 for one seed after 2 epochs), the mean final train loss within 15 %
    mean = lambda runs, key: np.mean([r.metrics[key] for r in runs])
    assert abs(mean(plain, "final_val_accuracy") - mean(tried, "final_val_accuracy")) <= 0.02
    np.testing.assert_allclose(mean(tried, "final_train_loss"), mean(plain, "final_train_loss"), rtol=0.15)


def test_mixed_precision_builds_float16_layers_and_counts_skipped_steps():
    run = ionosphere.BENCHMARK.train("step", 0, "published", options=RunOptions(epochs=12, mixed_precision=True))
    skipped = run.history["skipped_steps"]
    assert skipped[0] == 0 and skipped == sorted(skipped)  # none before the first step; never fewer later
    assert run.history["lr"][:10] == [pytest.approx(0.1)] * 10
