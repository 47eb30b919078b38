"""bench/statistics/matrix.py: a verdict per environment, from gates and paired per-seed tests."""

import numpy as np
import pytest

from bench.statistics import matrix
from bench.statistics.matrix import Runs

SEEDS = list(range(10))
ACC = [0.97, 0.96, 0.98, 0.97, 0.95, 0.97, 0.96, 0.98, 0.97, 0.96]
LOSS = [0.070, 0.065, 0.080, 0.072, 0.068, 0.075, 0.071, 0.066, 0.079, 0.069]


def entry(values, better):
    values = [float(v) for v in values]
    return {
        "n": len(values),
        "mean": float(np.mean(values)),
        "std": float(np.std(values, ddof=1)),
        "values": values,
        "better": better,
        "provenance": {"source": "measured"},
    }


# the committed baseline of the case: 20 seeds around the same values
ENTRIES = {
    "final_val_accuracy": entry(ACC + ACC[::-1], "higher"),
    "final_train_loss": entry(LOSS + LOSS[::-1], "lower"),
}


def runs(env, acc=ACC, loss=LOSS, seeds=SEEDS):
    return Runs(
        env,
        "digits",
        "holdout",
        "step",
        list(seeds),
        {"final_val_accuracy": list(acc), "final_train_loss": list(loss), "best_val_accuracy": list(acc)},
        epochs=6,
    )


@pytest.mark.parametrize(
    "t, df, p",
    [
        (2.262, 9, 0.05),
        (3.250, 9, 0.01),
        (4.781, 9, 0.001),
        (12.706, 1, 0.05),
        (2.0860, 20, 0.05),
        (1.960, 10**6, 0.05),
    ],
)
def test_student_t_against_its_printed_table(t, df, p):
    # two-sided critical values of Student's t, as printed in statistics tables to 3-4 places
    assert matrix.t_two_sided(t, df) == pytest.approx(p, rel=2e-3)
    assert matrix.t_two_sided(0.0, df) == 1.0


def test_paired_t_test_by_hand():
    # d = 1..5: mean 3, sd 1.5811, t = 3 / (1.5811 / sqrt 5) = 4.243 on 4 df; two-sided p = 0.0132 (t table:
    # between 0.01 at 4.604 and 0.02 at 3.747)
    assert matrix.paired_test([1, 2, 3, 4, 5]) == pytest.approx(0.013236, abs=1e-6)
    assert matrix.paired_test([0.0] * 8) == 1.0 and matrix.paired_test([0.2] * 8) == 0.0


def test_the_paired_test_holds_its_alpha_on_differences_that_centre_on_zero():
    """Its own calibration: environments whose arithmetic differs without changing training give
    per-seed differences like those of independent runs; at alpha 5 % about 5 % of such pairs are flagged."""
    rng = np.random.default_rng(0)
    draws = [matrix.paired_test(rng.normal(0, 0.01, 10) - rng.normal(0, 0.01, 10)) for _ in range(4000)]
    assert np.mean(np.array(draws) < 0.05) == pytest.approx(0.05, abs=0.01)
    assert np.mean(np.array(draws) < 0.01) == pytest.approx(0.01, abs=0.005)


def test_bit_identical_seeds_are_identical_and_the_reference_is_same():
    cells = matrix.judge_case({"A": runs("A"), "B": runs("B")}, ENTRIES, "B", alpha=1e-3)
    assert (cells["A"].status, cells["A"].reference) == ("identical", "B")
    assert (cells["B"].status, cells["B"].text, cells["B"].reference) == ("same", "same", None)


def test_a_small_shift_on_every_seed_is_changed_by_the_paired_test_though_the_gate_holds():
    shifted = runs("A", loss=[v * 0.95 for v in LOSS])  # -5 %: inside the gate's band, on every seed
    cells = matrix.judge_case({"A": shifted, "B": runs("B")}, ENTRIES, "B", alpha=1e-3)
    assert cells["A"].status == "CHANGED" and cells["A"].failed
    assert cells["A"].text == "CHANGED final_train_loss -5.0 % (p < 1e-05, paired)"
    assert [f["test"] for f in cells["A"].findings] == ["paired with B"]


def test_noise_without_a_shift_is_same():
    rng = np.random.default_rng(1)
    other = runs("A", loss=[v + rng.normal(0, 0.004) for v in LOSS], acc=ACC[::-1])
    cells = matrix.judge_case({"A": other, "B": runs("B")}, ENTRIES, "B", alpha=1e-3)
    assert cells["A"].status == "same" and not cells["A"].findings


def test_a_worse_mean_fails_the_gate_in_that_environment():
    worse = runs("A", acc=[v - 0.05 for v in ACC])
    cells = matrix.judge_case({"A": worse, "B": runs("B")}, ENTRIES, "B", alpha=1e-3)
    assert cells["A"].status == "WORSE"
    assert cells["A"].text.startswith("WORSE final_val_accuracy -5.2 % (p < 1e-05)")


def test_too_few_shared_seeds_get_no_paired_test():
    few = runs("A", seeds=[100, 101, 102, 3, 4, 5, 6, 7, 8, 9])
    assert matrix.shared_seeds(few, runs("B")) == [3, 4, 5, 6, 7, 8, 9]
    lonely = runs("A", seeds=[100, 101, 102, 103, 104, 105, 6, 7, 8, 9])
    assert matrix._paired_metrics(lonely, runs("B"), ENTRIES) == []  # 4 shared seeds < MIN_PAIRED_SEEDS


def test_every_environment_s_tests_are_counted():
    by_case = {("digits", "holdout", "step"): {"A": runs("A"), "B": runs("B"), "C": runs("C")}}
    # gates: 2 gated metrics x 3 environments; paired: 2 metrics x the 2 environments that are not the reference
    assert matrix.count_tests(by_case, lambda key: ENTRIES, lambda name: "B") == 6 + 4
    assert matrix.reference_env({"A": 1, "C": 2}, "B") == "A"  # the baseline's environment did not run


def test_a_changed_gate_in_one_environment_reads_whole_with_its_case():
    """A train loss 30 % lower on every seed: the gate says CHANGED (not WORSE), with its size and p."""
    lower = runs("A", loss=[v * 0.7 for v in LOSS], seeds=range(100, 110))  # no shared seeds: the gate alone
    cells = matrix.judge_case({"A": lower, "B": runs("B")}, ENTRIES, "B", alpha=1e-3)
    cell = cells["A"]
    assert (cell.env, cell.benchmark, cell.protocol, cell.case) == ("A", "digits", "holdout", "step")
    assert cell.status == "CHANGED" and cell.text == "CHANGED final_train_loss -30.0 % (p < 1e-05)"
    assert cell.findings == [
        {
            "status": "CHANGED",
            "metric": "final_train_loss",
            "test": "gate",
            "delta_pct": pytest.approx(-30.0),
            "p_value": 0.0,
        }
    ]
    both = runs("A", loss=[v * 0.7 for v in LOSS], acc=[v - 0.05 for v in ACC], seeds=range(100, 110))
    text = matrix.judge_case({"A": both, "B": runs("B")}, ENTRIES, "B", alpha=1e-3)["A"].text
    assert text == "WORSE final_val_accuracy -5.2 % (p < 1e-05); CHANGED final_train_loss -30.0 % (p < 1e-05)"


def test_texts_of_findings_without_a_size_or_a_p_value_and_of_large_p_values():
    plain = {"status": "CHANGED", "metric": "m", "test": "gate", "delta_pct": None, "p_value": None}
    assert matrix._text("CHANGED", [plain]) == "CHANGED m"
    assert matrix._text("same", []) == "same"
    assert matrix._p(0.0) == "< 1e-05" and matrix._p(1e-5) == "= 1e-05" and matrix._p(0.0321) == "= 0.032"


def test_a_published_floor_is_a_gate_of_the_matrix_and_a_figure_without_one_is_not():
    published = {"final_val_accuracy": {"threshold": 0.9, "provenance": {"source": "published"}}}
    assert matrix._gated(published) == ["final_val_accuracy"]
    assert matrix._gated({"final_val_accuracy": {"provenance": {"source": "published"}}}) == []
    assert matrix.tests_per_case(ENTRIES, 3) == 3 * 2 + 2 * 2


def test_the_paired_test_of_a_constant_difference_and_of_none():
    assert matrix.paired_test([0.0] * 5) == 1.0  # no difference at all
    assert matrix.paired_test([0.01] * 5) == 0.0  # the same difference on every seed
    assert matrix.paired_test([0.01, 0.02]) == pytest.approx(0.2048, abs=1e-4)  # t = 3, 1 df: 2 * atan(1/3) / pi


def test_the_counted_tests_use_each_case_s_own_entries_and_reference():
    by_case = {
        ("digits", "holdout", "step"): {"A": runs("A"), "B": runs("B")},
        ("ionosphere", "published", "exp"): {"A": runs("A")},
    }
    asked = []

    def entries_of(key):
        asked.append(key)
        return ENTRIES if key[0] == "digits" else {"final_val_accuracy": ENTRIES["final_val_accuracy"]}

    labels = []
    assert matrix.count_tests(by_case, entries_of, lambda name: labels.append(name) or "B") == (4 + 2) + 1
    assert asked == list(by_case) and labels == ["digits", "ionosphere"]
    assert matrix.count_tests({("digits", "holdout", "step"): {}}, entries_of, lambda name: "B") == 0


def test_a_metric_missing_from_one_environment_does_not_stop_the_gates_of_the_others():
    no_acc = runs("A", loss=[v * 0.7 for v in LOSS], seeds=range(100, 110))
    del no_acc.values["final_val_accuracy"]  # listed first among the gated metrics
    cell = matrix.judge_case({"A": no_acc, "B": runs("B")}, ENTRIES, "B", alpha=1e-3)["A"]
    assert cell.text == "CHANGED final_train_loss -30.0 % (p < 1e-05)"


def test_a_zero_baseline_mean_has_no_percentage():
    zero = {"final_train_loss": entry([0.0] * 10 + [0.002] * 10, "lower")}
    zero["final_train_loss"]["mean"] = 0.0
    moved = runs("A", loss=[0.05] * 10, seeds=range(100, 110))
    (finding,) = matrix.judge_case({"A": moved}, zero, "B", alpha=1e-3)["A"].findings
    assert finding["delta_pct"] is None and finding["status"] == "CHANGED"
    paired = matrix._paired_findings(
        runs("A", loss=[0.01] * 10), runs("B", loss=[0.0] * 10), ["final_train_loss"], 0.01
    )
    assert [f["delta_pct"] for f in paired] == [None]


def test_the_paired_edges_a_p_equal_to_alpha_and_a_shift_equal_to_the_floor():
    ref = runs("B", loss=[0.78125] * 10)
    at_floor = runs("A", loss=[0.78125 + 0.0078125] * 10)  # +2**-7 on every seed: exactly 1 % of 0.78125
    assert 0.0078125 == gates_floor(0.78125)  # binary fractions: the equality is exact
    assert [f["metric"] for f in matrix._paired_findings(at_floor, ref, ["final_train_loss"], 0.01)] == [
        "final_train_loss"
    ]
    ones = runs("B", loss=[1.0] * 10)
    noisy = runs("A", loss=[1.0 + 0.02 * (i % 2) + 0.01 for i in range(10)])
    mine, theirs = matrix._paired_values(noisy, ones, "final_train_loss")
    p = matrix.paired_test([a - b for a, b in zip(mine, theirs)])
    assert 0 < p < 1
    assert matrix._paired_findings(noisy, ones, ["final_train_loss"], p) == []  # p < alpha is required


def gates_floor(level):
    from bench.statistics import gates

    return gates.CHANGED_FLOOR * level


def test_paired_tests_need_the_metric_on_both_sides_and_enough_shared_seeds():
    five = runs("A", seeds=[100, 101, 102, 103, 104, 5, 6, 7, 8, 9])  # MIN_PAIRED_SEEDS = 5 shared: tested
    assert matrix.MIN_PAIRED_SEEDS == 5
    assert matrix._paired_metrics(five, runs("B"), ENTRIES) == ["final_val_accuracy", "final_train_loss"]
    one_sided = runs("A")
    del one_sided.values["final_train_loss"]
    assert matrix._paired_metrics(one_sided, runs("B"), ENTRIES) == ["final_val_accuracy"]
    assert matrix._paired_metrics(runs("B"), one_sided, ENTRIES) == ["final_val_accuracy"]


def test_the_paired_test_raises_no_numpy_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert matrix.paired_test([0.01] * 5) == 0.0 and matrix.paired_test([0.0] * 3) == 1.0
