"""Hand-computed reference values for every schedule.

Each row: schedule, parameters, index, expected value, tolerance, provenance.
Expected values are literals: from docs/reference.md#reference-values (a provenance that starts
"REF"; A/B/D = the write-ups of docs/reference.md#sources), or worked by hand from the formula in the schedule's
docstring, with the arithmetic in the provenance column. Exact values are checked at
rtol 1e-9; published rounded figures at the precision they were printed with
(abs tolerance = half a unit in the last printed digit).
"""

import pytest

import schedules

EXACT = {"rtol": 1e-9}


def printed(decimals):
    """Tolerance for a figure printed with ``decimals`` decimal places."""
    return {"atol": 0.5 * 10.0**-decimals}


STD = ("standard", {"initial_lr": 0.01, "decay": 0.00025})
STEP_A = ("step", {"initial_lr": 0.1, "factor": 0.25, "drop_every": 15})
STEP_A_HALF = ("step", {"initial_lr": 0.01, "factor": 0.5, "drop_every": 10})
STEP_D = ("step", {"initial_lr": 0.1, "factor": 0.5, "drop_every": 10, "offset": 0})
ONECYCLE = ("onecycle", {"max_lr": 0.1, "total_steps": 1000})
CLR = ("cyclical", {"base_lr": 0.001, "max_lr": 0.006, "step_size": 2000})
CLR2 = ("cyclical", {"base_lr": 0.001, "max_lr": 0.006, "step_size": 2000, "mode": "triangular2"})
CLR_EXP = ("cyclical", {"base_lr": 0.001, "max_lr": 0.006, "step_size": 2000, "mode": "exp_range", "gamma": 0.9999})
COS_WARM = ("cosine", {"initial_lr": 0.1, "decay_steps": 100, "warmup_steps": 10})
COS_FINAL = ("cosine", {"initial_lr": 0.1, "decay_steps": 100, "final_lr": 0.01})

REFERENCES = [
    # --- docs/reference.md#reference-values -------------------------------------------------
    (*STD, 0, 0.01, EXACT, "REF: standard at iteration 0"),
    (*STD, 782, 0.00836, printed(5), "REF / A: 0.01/(1+0.00025*782), printed 0.00836"),
    (*STD, 782, 0.0083647, printed(7), "REF: printed 0.0083647"),
    (*STD, 782, 0.008364700961940611, EXACT, "hand: 0.01/1.1955"),
    (*STD, 1564, 0.0071891, printed(7), "REF: printed 0.0071891"),
    (*STD, 1564, 0.007189072609633357, EXACT, "hand: 0.01/(1+0.00025*1564) = 0.01/1.391"),
    *[(*STEP_A, e, 0.1, EXACT, "REF: step A epochs 0-13 hold 0.1") for e in range(14)],
    (*STEP_A, 14, 0.025, EXACT, "REF: floor(15/15)=1 drop: 0.1*0.25"),
    (*STEP_A, 98, 2.4414e-05, printed(9), "REF / A: printed 2.4414e-05"),
    (*STEP_A, 98, 2.44140625e-05, EXACT, "hand: floor(99/15)=6 drops: 0.1*0.25**6"),
    (*STEP_A_HALF, 9, 0.005, EXACT, "REF: floor(10/10)=1: 0.01*0.5"),
    (*STEP_A_HALF, 19, 0.0025, EXACT, "REF: floor(20/10)=2: 0.01*0.25"),
    (*STEP_D, 9, 0.1, EXACT, "REF / D: floor(9/10)=0"),
    (*STEP_D, 10, 0.05, EXACT, "REF / D: floor(10/10)=1"),
    ("linear", {"initial_lr": 0.1, "max_epochs": 100}, 50, 0.05, EXACT, "REF: 0.1*(1-50/100)"),
    ("poly", {"initial_lr": 0.1, "max_epochs": 100, "power": 5}, 50, 0.003125, EXACT, "REF: 0.1*0.5**5"),
    ("exp", {"initial_lr": 0.01, "k": 0.01}, 1, 0.0099, printed(4), "REF / D: printed 0.0099"),
    ("exp", {"initial_lr": 0.01, "k": 0.01}, 1, 0.00990050, printed(8), "REF: printed 0.00990050"),
    ("exp", {"initial_lr": 0.01, "k": 0.01}, 1, 0.009900498337491681, EXACT, "hand: 0.01*e**-0.01"),
    ("time", {"initial_lr": 0.1, "decay": 0.002}, 10, 0.0980392, printed(7), "REF / D: printed 0.0980392"),
    ("time", {"initial_lr": 0.1, "decay": 0.002}, 10, 0.09803921568627451, EXACT, "hand: 0.1/1.02"),
    # Source B's printed 0.00125 "after 15 epochs" (lr 0.01, every 5) is factor 0.5's value:
    (
        "step",
        {"initial_lr": 0.01, "factor": 0.25, "drop_every": 5},
        15,
        1.5625e-04,
        EXACT,
        "REF: factor 0.25 gives 0.01*0.25**3 (B printed 0.00125, which is wrong for 0.25)",
    ),
    (
        "step",
        {"initial_lr": 0.01, "factor": 0.5, "drop_every": 5},
        15,
        0.00125,
        EXACT,
        "REF: B's 0.00125 is 0.01*0.5**3",
    ),
    ("constant", {"lr": 0.1}, 0, 0.1, EXACT, "REF (schedules): constant"),
    ("constant", {"lr": 0.1}, 10**6, 0.1, EXACT, "REF (schedules): constant"),
    ("constant", {"lr": 0.05}, 7, 0.05, EXACT, "REF (schedules): constant at any epoch"),
    ("exp", {"initial_lr": 0.01, "k": 0.01}, 0, 0.01, EXACT, "hand: e**0 = 1"),
    ("exp", {"initial_lr": 0.01, "k": 0.01}, 100, 0.0036787944117144234, EXACT, "hand: 0.01*e**-1 (0.36787944)"),
    ("time", {"initial_lr": 0.1, "decay": 0.002}, 0, 0.1, EXACT, "hand: 0.1/(1+0)"),
    ("time", {"initial_lr": 0.1, "decay": 0.002}, 50, 0.09090909090909091, EXACT, "hand: 0.1/(1+0.1) = 0.1/1.1"),
    # --- onecycle, max 0.1 over 1000: initial 0.01, final 1e-5, C=900 -----------
    (*ONECYCLE, 0, 0.01, EXACT, "hand: initial = max_lr/10"),
    (*ONECYCLE, 225, 0.055, EXACT, "hand: 0.01 + 0.09*225/450"),
    (*ONECYCLE, 450, 0.1, EXACT, "hand: peak at C/2 = 450"),
    (*ONECYCLE, 675, 0.055, EXACT, "hand: 0.1 - 0.09*225/450"),
    (*ONECYCLE, 900, 0.01, EXACT, "hand: back to initial at C = 900"),
    (*ONECYCLE, 950, 0.005005, EXACT, "hand: 0.01 + (1e-5 - 0.01)*50/100"),
    (*ONECYCLE, 1000, 1e-05, EXACT, "hand: final = initial/1000"),
    (*ONECYCLE, 5000, 1e-05, EXACT, "hand: past the end holds final_lr"),
    (
        "onecycle",
        {"max_lr": 0.1, "total_steps": 101},
        45,
        0.09901098901098901,
        EXACT,
        "hand: F=round(10.1)=10, C=91, peak at 45.5: 0.01 + 0.09*45/45.5",
    ),
    ("onecycle", {"max_lr": 0.1, "total_steps": 101}, 91, 0.01, EXACT, "hand: C = 91"),
    # --- cyclical (Smith 2015's example: 0.001..0.006, step 2000) ------------------
    (*CLR, 0, 0.001, EXACT, "hand: cycle 1, x=1"),
    (*CLR, 1000, 0.0035, EXACT, "hand: x=|0.5-2+1|=0.5: 0.001+0.005*0.5"),
    (*CLR, 2000, 0.006, EXACT, "hand: x=0, peak"),
    (*CLR, 3000, 0.0035, EXACT, "hand: x=|1.5-1|=0.5"),
    (*CLR, 4000, 0.001, EXACT, "hand: cycle 2 starts, x=|2-4+1|=1"),
    (*CLR, 10**7 + 2000, 0.006, EXACT, "hand: past any end: period 4000, 10**7 = 2500 periods"),
    (*CLR2, 5000, 0.00225, EXACT, "hand: cycle 2, x=0.5: 0.001+0.005*0.5/2"),
    (*CLR2, 6000, 0.0035, EXACT, "hand: cycle 2 peak: 0.001+0.005/2"),
    (*CLR2, 10000, 0.00225, EXACT, "hand: cycle 3 peak: 0.001+0.005/4"),
    (*CLR_EXP, 2000, 0.0050936128263277475, EXACT, "hand: 0.001+0.005*0.9999**2000 (0.81872257)"),
    # --- cosine -------------------------------------------------------------------
    (*COS_WARM, 0, 0.0, {"atol": 0.0}, "hand: warmup starts at 0"),
    (*COS_WARM, 5, 0.05, EXACT, "hand: 0.1*5/10"),
    (*COS_WARM, 10, 0.1, EXACT, "hand: warmup ends at initial_lr"),
    (*COS_WARM, 35, 0.08535533905932738, EXACT, "hand: u=0.25: 0.05*(1+cos(pi/4))"),
    (*COS_WARM, 60, 0.05, EXACT, "hand: u=0.5: 0.05*(1+0)"),
    (*COS_WARM, 110, 0.0, {"atol": 1e-18}, "hand: u=1: cos(pi)=-1"),
    (*COS_WARM, 1000, 0.0, {"atol": 1e-18}, "hand: past the end holds final_lr"),
    (*COS_FINAL, 25, 0.08681980515339463, EXACT, "hand: 0.01+0.09*0.5*(1+cos(pi/4))"),
    (*COS_FINAL, 50, 0.055, EXACT, "hand: 0.01+0.09*0.5"),
    (*COS_FINAL, 300, 0.01, EXACT, "hand: past the end holds final_lr"),
    # --- past the end: published poly goes negative / rises / NaN; ours holds -----
    (
        "poly",
        {"initial_lr": 0.1, "max_epochs": 100, "power": 1},
        150,
        0.0,
        {"atol": 0.0},
        "hand: published 0.1*(1-1.5) = -0.05; ours holds final_lr=0",
    ),
    (
        "poly",
        {"initial_lr": 0.1, "max_epochs": 100, "power": 2},
        150,
        0.0,
        {"atol": 0.0},
        "hand: published 0.1*(-0.5)**2 = 0.025 (rises); ours holds 0",
    ),
    (
        "poly",
        {"initial_lr": 0.1, "max_epochs": 100, "power": 0.5},
        150,
        0.0,
        {"atol": 0.0},
        "hand: published (-0.5)**0.5 is NaN/complex; ours holds 0",
    ),
    (
        "poly",
        {"initial_lr": 0.1, "max_epochs": 100, "power": 2, "final_lr": 0.001},
        200,
        0.001,
        EXACT,
        "hand: holds final_lr",
    ),
    ("linear", {"initial_lr": 0.1, "max_epochs": 100, "final_lr": 0.01}, 50, 0.055, EXACT, "hand: 0.09*0.5 + 0.01"),
    ("linear", {"initial_lr": 0.1, "max_epochs": 100}, 100, 0.0, {"atol": 0.0}, "hand: end"),
    (*STD, 10**9, 3.9999840000639996e-08, EXACT, "hand: 0.01/(1+250000)"),
    (*STEP_D, 4980, 0.1 * 1.221974545399842e-150, EXACT, "hand: 0.5**498 = 1.222e-150, the last drop kept (>= 1e-150)"),
    (*STEP_D, 4990, 0.0, {"atol": 0.0}, "hand: 0.5**499 = 6.1e-151 < 1e-150: flushed to 0"),
    (*STEP_A, 10**6, 0.0, {"atol": 0.0}, "hand: 0.25**66667 underflows; flushed to 0"),
]


@pytest.mark.parametrize(
    "name, params, t, expected, tol, provenance",
    REFERENCES,
    ids=[f"{r[0]}-t{r[2]}-{i}" for i, r in enumerate(REFERENCES)],
)
def test_reference_value(name, params, t, expected, tol, provenance):
    s = schedules.get(name, **params)
    assert s(t) == pytest.approx(expected, rel=tol.get("rtol", 0), abs=tol.get("atol", 0)), provenance
    assert s.values([t])[0] == s(t)


def test_step_a_drops_one_epoch_before_step_d():
    """REF (schedules): A's floor((1+t)/n) drops at epoch n-1, D's floor(t/n) at epoch n."""
    a = schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=10, offset=1)
    d = schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=10, offset=0)
    assert [a(8), a(9), a(10)] == [0.1, 0.05, 0.05]
    assert [d(8), d(9), d(10)] == [0.1, 0.1, 0.05]


@pytest.mark.parametrize("name", schedules.available())
def test_every_registered_schedule_has_hand_computed_references(name):
    """A new schedule needs rows above: at least three values at two or more indices, each saying
    where its number comes from (docs/contributing.md#add-a-schedule)."""
    rows = [r for r in REFERENCES if r[0] == name]
    assert len(rows) >= 3 and len({r[2] for r in rows}) >= 2, (
        f"schedule {name!r} has {len(rows)} reference row(s) in tests/schedules/test_reference_values.py; "
        "add at least three hand-computed values, at two or more indices, with their provenance"
    )
    assert all(r[5].strip() for r in rows), f"a reference row of {name!r} does not say where its value comes from"
