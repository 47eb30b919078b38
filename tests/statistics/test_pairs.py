"""bench/statistics/pairs.py: one case at two revisions, seed for seed; expected figures computed by hand."""

import math

import pytest

from bench.engine.records import RunResult
from bench.statistics import pairs


def run(seed, acc, loss, lr=(0.1, 0.1, 0.05), mean_loss=None):
    history = {"lr": list(lr), "train_loss": [1.0, 0.5, loss], "val_accuracy": [0.5, 0.8, acc]}
    metrics = {
        "final_val_accuracy": acc,
        "best_val_accuracy": max(acc, 0.8),
        "final_train_loss": loss,
        "mean_train_loss": mean_loss if mean_loss is not None else (1.5 + loss) / 3,
    }
    return RunResult("digits", "holdout", "step", seed, metrics, history, 1.0, 0.1, {})


def side(values, **kw):
    return {seed: run(seed, acc, loss, **kw) for seed, (acc, loss) in enumerate(values)}


BASE = [(0.90, 0.10), (0.92, 0.12), (0.94, 0.08), (0.96, 0.10)]


def test_the_same_bits_on_every_seed_are_identical():
    pair = pairs.judge("digits/holdout/step", side(BASE), side(BASE), 0.01)
    assert pair.status == "identical" and pair.seeds == [0, 1, 2, 3] and pair.differences == []
    assert pair.parted_epoch is None


def test_one_bit_in_one_epoch_of_one_seed_is_a_change_and_says_where():
    head = side(BASE)
    head[2].history["train_loss"][1] = math.nextafter(0.5, 1.0)  # one ulp, epoch 2 of seed 2; metrics unchanged
    pair = pairs.judge("c", side(BASE), head, 0.01)
    assert pair.status == "changed"
    assert (pair.parted_epoch, pair.parted_on) == (2, ["train_loss"])
    assert all(d.mean == 0 and d.p_value == 1.0 for d in pair.differences)


def test_a_drop_on_every_seed_is_worse_with_its_paired_figures():
    # accuracy lower by 0.01, 0.02, 0.01, 0.02 (mean -0.015, sd 0.005774): t = -0.015 / (0.005774 / 2) = -5.196,
    # df 3: one-sided p = 0.00692; the 95 % interval is -0.015 +- 3.1824 * 0.002887 = (-0.02419, -0.00581)
    head = side([(0.89, 0.10), (0.90, 0.12), (0.93, 0.08), (0.94, 0.10)], lr=(0.1, 0.05, 0.05))
    pair = pairs.judge("c", side(BASE), head, 0.01)
    assert pair.status == "worse" and pair.headline == "final_val_accuracy"
    assert pair.worse_p == pytest.approx(0.00692, abs=5e-5)
    acc = pair.differences[0]
    assert acc.metric == "final_val_accuracy" and acc.unit == "fraction" and acc.n == 4
    assert acc.mean == pytest.approx(-0.015) and acc.low == pytest.approx(-0.02419, abs=1e-5)
    assert acc.high == pytest.approx(-0.00581, abs=1e-5)
    assert (pair.parted_epoch, pair.parted_on) == (2, ["lr"])  # the rate parts first: the schedule itself
    assert [d.metric for d in pair.differences] == ["final_val_accuracy", "final_train_loss", "mean_train_loss"]


def test_a_drop_the_nightly_alpha_cannot_tell_from_chance_is_changed_not_worse():
    head = side([(0.89, 0.10), (0.93, 0.12), (0.93, 0.08), (0.96, 0.10)])  # -0.01, +0.01, -0.01, 0: t = -1.0
    pair = pairs.judge("c", side(BASE), head, 0.01)
    assert pair.status == "changed" and pair.worse_p > 0.1


def test_a_better_headline_is_never_worse_and_a_constant_drop_is():
    assert pairs.worse_p("final_val_accuracy", [0.9, 0.9], [0.95, 0.97]) > 0.5
    assert pairs.worse_p("final_val_accuracy", [0.9, 0.9], [0.8, 0.8]) == 0.0  # no spread, every seed worse
    assert pairs.worse_p("final_val_rmse", [3.0, 3.0], [3.5, 3.5]) == 0.0  # lower is better: higher is worse
    assert pairs.worse_p("final_val_rmse", [3.0, 3.0], [3.0, 3.0]) == 1.0


def test_a_history_cut_short_parts_where_it_ends():
    long, short = run(0, 0.9, 0.1), run(0, 0.9, 0.1)
    short.history = {k: v[:2] for k, v in short.history.items()}
    assert pairs.parted(long, short) == (3, ["lr", "train_loss", "val_accuracy"])


def test_two_sides_without_a_shared_seed_are_refused():
    with pytest.raises(ValueError, match="share no seed"):
        pairs.judge("c", {0: run(0, 0.9, 0.1)}, {1: run(1, 0.9, 0.1)}, 0.01)


def test_a_range_test_kept_in_the_history_is_read_as_rows_of_its_own():
    base, head = run(0, 0.9, 0.1), run(0, 0.9, 0.1)
    base.history["range_test"] = {"suggested_max_lr": 0.1, "lrs": [1e-6, 1e-5], "losses": [2.3, 2.2]}
    head.history["range_test"] = {"suggested_max_lr": 0.1, "lrs": [1e-6, 1e-5], "losses": [2.3, 2.1]}
    assert pairs.parted(base, head) == (2, ["range_test.losses"])
    assert pairs.rows_of({"lr": [0.1], "r": {"s": 0.5}}) == {"lr": [0.1], "r.s": [0.5]}
    assert pairs.judge("c", {0: base}, {0: head}, 0.01).status == "changed"


def test_an_identical_pair_and_a_changed_one_name_their_case_and_alpha_and_keep_them_in_their_record():
    same = pairs.judge("digits/holdout/step", side(BASE), side(BASE), 0.002)
    assert (same.case, same.alpha) == ("digits/holdout/step", 0.002)
    changed = pairs.judge("digits/holdout/step", side(BASE), side(BASE, lr=(0.1, 0.1, 0.1)), 0.002)
    record = changed.to_dict()
    assert (record["case"], record["alpha"], record["status"]) == ("digits/holdout/step", 0.002, "changed")
    assert [d["metric"] for d in record["differences"]] == ["final_val_accuracy", "final_train_loss", "mean_train_loss"]
    assert record["differences"][0]["p_value"] == 1.0 and record["parted_epoch"] == 3


def test_metrics_that_differ_over_histories_that_do_not_part_nowhere_else():
    head = side(BASE)
    head[1].metrics["best_val_accuracy"] = 0.5  # an info metric: not gated, so no difference is listed
    pair = pairs.judge("c", side(BASE), head, 0.01)
    assert (pair.status, pair.parted_epoch, pair.parted_on) == ("changed", None, [])


def test_the_first_parting_is_the_earliest_over_the_seeds_with_that_seed_s_rows():
    head = side(BASE)
    head[0].history["val_accuracy"][2] = 0.81  # seed 0 parts at epoch 3 on val_accuracy
    head[3].history["train_loss"][1] = 0.51  # seed 3 at epoch 2 on train_loss
    pair = pairs.judge("c", side(BASE), head, 0.01)
    assert (pair.parted_epoch, pair.parted_on) == (2, ["train_loss"])


def test_a_row_only_one_side_has_parts_and_empty_histories_do_not():
    base, head = run(0, 0.9, 0.1), run(0, 0.9, 0.1)
    head.history["train_mae"] = [1.0]
    assert pairs.parted(base, head) == (1, ["train_mae"])
    base.history, head.history = {}, {}
    assert pairs.parted(base, head) == (None, [])


def test_without_a_headline_metric_a_change_is_never_worse():
    assert pairs.headline({"final_train_loss": 0.1, "mean_train_loss": 0.2}) is None
    assert pairs.headline({"final_val_rmse": 3.0, "final_val_accuracy": 0.9}) == "final_val_accuracy"  # METRICS order
    base = {s: run(s, 0.9, 0.1) for s in range(3)}
    head = {s: run(s, 0.9, 0.2) for s in range(3)}
    for r in [*base.values(), *head.values()]:
        del r.metrics["final_val_accuracy"], r.metrics["best_val_accuracy"]
    pair = pairs.judge("c", base, head, 0.01)
    assert (pair.status, pair.headline, pair.worse_p) == ("changed", None, None)


def test_two_seeds_give_a_t_interval_and_a_t_test_one_seed_does_not():
    # d = 0.1, 0.2: mean 0.15, sd 0.070711, t(0.975, 1) = 12.7062: half width 12.7062 * 0.070711 / sqrt 2 = 0.63531
    d = pairs.difference("final_train_loss", [0.1, 0.2], [0.2, 0.4])
    assert (d.low, d.high) == (pytest.approx(0.15 - 0.63531, abs=1e-5), pytest.approx(0.15 + 0.63531, abs=1e-5))
    assert d.p_value == pytest.approx(2 * (0.5 - math.atan(3.0) / math.pi))  # t = 0.15 / 0.05 = 3, df 1: 0.2048
    one = pairs.difference("final_train_loss", [0.1], [0.2])
    assert (one.mean, one.low, one.high) == (pytest.approx(0.1), -math.inf, math.inf) and math.isnan(one.p_value)
    # accuracy -0.05 then 0 on two seeds: t = -1 with one degree of freedom (Cauchy): P(T < -1) = 0.25
    assert pairs.worse_p("final_val_accuracy", [0.9, 0.8], [0.85, 0.8]) == pytest.approx(0.25)
    assert pairs.worse_p("final_val_rmse", [3.0, 3.0], [3.05, 3.0]) == pytest.approx(0.25)


def test_a_p_value_on_alpha_itself_is_not_below_it():
    head = side([(acc - 0.01, loss) for acc, loss in BASE])  # 0.01 lower on every seed: p exactly 0.0
    assert pairs.judge("c", side(BASE), head, 0.0).status == "changed"
    assert pairs.judge("c", side(BASE), head, 1e-12).status == "worse"


def test_the_worse_test_shares_the_nightly_s_one_percent_over_the_cases_compared():
    assert pairs.worse_alpha(20) == 0.0005 and pairs.worse_alpha(1) == 0.01 and pairs.worse_alpha(0) == 0.01
