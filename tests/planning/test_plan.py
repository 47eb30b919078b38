"""bench/planning/plan.py: the night's plan, rotation and due nights, on hand-made estimates."""

import pytest

from bench.engine.records import CaseId
from bench.planning import plan
from bench.planning.plan import CANNOT, DEFERRED, OVER_BUDGET, TONIGHT, Entry, Estimate


def entry(name, seconds, waited=None, cannot=None, last="2026-12-04T02:00:00Z"):
    """A case of one seed and one epoch whose estimate is ``seconds``."""
    return Entry(
        CaseId("b", "p", name),
        seeds=1,
        epochs=1,
        estimate=Estimate(seconds, "declared", "by hand"),
        cannot=cannot,
        waited=waited,
        last_trained=None if waited is None else last,
    )


def decisions(p):
    return [(r.entry.case.case, r.decision, r.due_in) for r in p.rows]


def test_without_a_budget_or_when_all_fits_every_case_that_can_trains():
    cases = [entry("a", 4.0), entry("b", 4.0), entry("c", 1.0, cannot="needs a GPU")]
    for budget in (None, 8.0):
        p = plan.make(cases, budget)
        assert decisions(p) == [("a", TONIGHT, None), ("b", TONIGHT, None), ("c", CANNOT, None)]
        assert p.period == 1 and p.total_s == 8.0 and p.tonight() == [CaseId("b", "p", "a"), CaseId("b", "p", "b")]


def test_what_does_not_fit_is_deferred_with_its_due_night():
    # three cases of 4 s, a budget of 10 s: two a night. The rotation: night 1 a, b; night 2 c, a; night 3 b, c:
    # b waits from night 1 to night 3, so the period is 2 nights, and c, deferred on its first night, is due in 1.
    p = plan.make([entry("a", 4.0), entry("b", 4.0), entry("c", 4.0)], 10.0)
    assert decisions(p) == [("a", TONIGHT, None), ("b", TONIGHT, None), ("c", DEFERRED, 1)]
    assert p.period == 2 and p.total_s == 8.0


def test_the_least_recently_trained_go_first_never_trained_before_all():
    p = plan.make([entry("a", 4.0, waited=0), entry("b", 4.0, waited=3), entry("c", 4.0)], 8.0, nights_before=4)
    assert [r.decision for r in p.rows] == [DEFERRED, TONIGHT, TONIGHT]
    # a trained on the last night (waited 0): tonight is its 1st night of waiting of the period's 2
    assert p.row(CaseId("b", "p", "a")).due_in == 1 and not p.row(CaseId("b", "p", "a")).overdue


def test_a_case_that_fits_later_in_the_order_still_trains_whole_cases_only():
    p = plan.make([entry("big", 7.0), entry("huge", 6.0), entry("small", 3.0)], 10.0)
    assert [r.decision for r in p.rows] == [TONIGHT, DEFERRED, TONIGHT]  # 7 + 3 = 10; 6 waits whole


def test_a_deferred_case_that_waited_its_period_is_overdue():
    # period 2 (as above): a case that waited 1 night already and is deferred again has waited 2 by tonight
    p = plan.make([entry("a", 4.0, waited=1), entry("b", 4.0, waited=1), entry("c", 4.0, waited=1)], 10.0)
    rows = [r for r in p.rows if r.decision == DEFERRED]
    assert len(rows) == 1 and rows[0].due_in == 0 and rows[0].overdue


def test_a_case_whose_estimate_alone_exceeds_the_budget_is_over_budget():
    p = plan.make([entry("a", 11.0), entry("b", 4.0)], 10.0)
    assert [r.decision for r in p.rows] == [OVER_BUDGET, TONIGHT]


def test_the_period_plays_the_rule_forward():
    assert plan.period([4.0] * 3, 10.0) == 2
    assert plan.period([4.0] * 10, 8.0) == 5  # two a night
    assert plan.period([4.0, 4.0], 8.0) == 1 and plan.period([4.0, 4.0], None) == 1
    assert plan.period([9.0, 2.0, 2.0], 10.0) == 2  # 9 (+ nothing), then 2 + 2, then 9 again


def test_unknown_estimates_cost_nothing_and_a_bad_budget_is_refused():
    unknown = Entry(CaseId("b", "p", "u"), 1, 1)
    assert unknown.seconds is None and plan.make([unknown], 1.0).rows[0].decision == TONIGHT
    with pytest.raises(ValueError, match=r"Argument `budget_s` must be positive. Received: budget_s=0"):
        plan.make([unknown], 0)
    with pytest.raises(ValueError, match="Argument `source` must be one of history, probe, declared, unknown"):
        Estimate(1.0, "guess", "")


def test_the_live_check_scales_the_estimate_by_how_tonight_ran():
    assert plan.correction([]) == 1.0
    assert plan.correction([(10.0, 15.0), (None, 99.0), (10.0, 25.0)]) == 2.0  # (15 + 25) / (10 + 10)
    row = plan.make([entry("a", 4.0)], 10.0).rows[0]
    assert plan.still_fits(row, 5.0, 10.0) and plan.still_fits(row, 6.0, 10.0)  # 6 + 4 = 10
    assert not plan.still_fits(row, 6.0, 10.0, factor=1.5)  # 6 + 6 > 10
    assert plan.still_fits(row, 100.0, None)


def test_tonight_trains_in_the_rotations_order_longest_wait_first():
    # all fit; a and c trained on the last night, b waited 2 nights, d never trained: d, b, then a, c as given
    p = plan.make(
        [entry("a", 1.0, waited=0), entry("b", 1.0, waited=2), entry("c", 1.0, waited=0), entry("d", 1.0)], 8.0
    )
    assert [c.case for c in p.tonight()] == ["d", "b", "a", "c"]


def test_a_case_deferred_as_the_night_ran_is_due_within_the_period_the_corrected_estimates_give():
    # 4 + 4 fit a budget of 10 s: the plan's period is 1 night. Tonight ran 1.5x its estimates: 6 + 6 no longer
    # fit, a rotation of two 6 s cases in 10 s takes 2 nights, so a case trained last night is due in 1, not overdue
    p = plan.make([entry("a", 4.0, waited=0), entry("b", 4.0, waited=0)], 10.0)
    assert p.period == 1
    a = p.row(CaseId("b", "p", "a")).entry
    assert p.deferred(a).due_in == 0 and p.deferred(a).overdue  # at the plan's estimates: past its due night
    assert p.deferred(a, factor=1.5).due_in == 1 and not p.deferred(a, factor=1.5).overdue
    assert p.deferred(a, factor=0.5).due_in == 0  # never shorter than the plan's period


def test_a_night_whose_overheads_left_no_room_defers_a_case_to_the_next_night_not_past_its_due_night():
    # four cases estimated 3.8 s each fit a budget of 16.2 s (period 1). The night ran at its estimates (factor 1.0)
    # but spent 2 s training nothing (start-up on a loaded machine): 15.2 s no longer fit the 14.2 s left, so the
    # rotation as the night ran takes 2 nights and a case trained last night is due in 1, not failed as overdue
    p = plan.make([entry(c, 3.8, waited=0) for c in "abcd"], 16.2)
    assert p.period == 1
    d = p.row(CaseId("b", "p", "d")).entry
    assert p.deferred(d, factor=1.0).overdue  # the estimates alone say it fitted
    assert p.deferred(d, factor=1.0, overhead_s=2.0).due_in == 1
    assert not p.deferred(d, factor=1.0, overhead_s=2.0).overdue
    assert p.deferred(d, factor=1.0, overhead_s=0.5).overdue  # 15.2 s still fit the 15.7 s left: it had room
    assert p.deferred(d, factor=1.0, overhead_s=20.0).overdue  # no room at all: no rotation fits such a night
    unbudgeted = plan.make([entry(c, 3.8, waited=0) for c in "abcd"], None)
    assert unbudgeted.deferred(d, overhead_s=2.0).due_in == 0
