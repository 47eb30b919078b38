"""bench/tools/compare.py: each case's row and the exit status, from two sides built here (no training), judged
against the digits baseline file; and the Markdown a pull request's comment shows."""

import json
import re
import shutil

from bench.engine.records import CaseId, RunResult
from bench.report import changes as render
from bench.stores import baselines
from bench.tools import compare
from bench.tools.revisions import Revision

STEP, EXP = CaseId("digits", "holdout", "step"), CaseId("digits", "holdout", "exp")
NEW, GONE = CaseId("digits", "holdout", "brand_new"), CaseId("digits", "holdout", "retired")


def runs(case, shift=0.0):
    """Five seeds whose metrics are the baseline's own first five per-seed values (so the gates pass), the
    final train loss moved by ``shift`` on seed 0."""
    entries = baselines.case_entries(baselines.load("digits"), "holdout", "step")
    out = {}
    for seed in range(5):
        metrics = {m: e["values"][seed] for m, e in entries.items() if "values" in e}
        metrics["final_train_loss"] += shift if seed == 0 else 0.0
        history = {"lr": [0.1, 0.05], "train_loss": [0.5, metrics["final_train_loss"]]}
        out[seed] = RunResult(*case, seed, metrics, history, 1.0, 0.1, {})
    return out


def side(name, cases, folder, failed=()):
    s = compare.Side(Revision(name, name * 20, f"subject {name}"), f"fp-{name}", {})
    s.wanted = {case: list(range(5)) for case in cases}
    s.runs = {case: runs(case, shift) for case, shift in cases.items() if case not in failed}
    s.failed = {case: "ImportError: no module named oops" for case in failed}
    s.trained, s.baselines = list(cases), folder
    return s


def test_each_verdict_and_what_fails(tmp_path):
    base_dir = tmp_path / "base"
    shutil.copytree(baselines.DEFAULT_DIR, base_dir)
    base = side("a", {STEP: 0.0, EXP: 0.0, GONE: 0.0}, base_dir)
    head = side("b", {STEP: 1e-9, EXP: 0.0, NEW: 0.0}, baselines.DEFAULT_DIR)
    rows, alphas = compare.judge(base, head)
    by_case = {row["case"]: row for row in rows}
    assert [row["case"] for row in rows] == [str(STEP), str(EXP), str(NEW), str(GONE)]
    assert (by_case[str(STEP)]["status"], by_case[str(STEP)]["declared"], by_case[str(STEP)]["fails"]) == (
        "changed",
        False,
        True,
    )
    assert by_case[str(STEP)]["pair"]["parted_epoch"] == 2 and by_case[str(STEP)]["pair"]["parted_on"] == ["train_loss"]
    assert by_case[str(STEP)]["update"] == baselines.update_command("digits", "holdout", "step")
    assert (by_case[str(EXP)]["status"], by_case[str(EXP)]["fails"]) == ("identical", False)
    assert [g["verdict"] for g in by_case[str(EXP)]["gates"]].count("pass") == 3  # HEAD's gates, on the same seeds
    assert (by_case[str(NEW)]["status"], by_case[str(NEW)]["fails"]) == ("new", True)  # no baseline entry yet
    assert (by_case[str(GONE)]["status"], by_case[str(GONE)]["fails"]) == ("removed", False)
    assert alphas["worse"] == 0.01 / 2  # the nightly's 1 % over the two cases both revisions trained
    assert alphas["gates"] == 0.01 / 6  # HEAD's gates as a nightly: step and exp three gated entries each, new none


def test_an_updated_baseline_entry_declares_the_change(tmp_path):
    base_dir = tmp_path / "base"
    shutil.copytree(baselines.DEFAULT_DIR, base_dir)
    doc = json.loads((base_dir / "digits.json").read_text())
    doc["cases"]["holdout"]["step"]["final_train_loss"]["mean"] += 1e-6  # BASE's entry differs from HEAD's
    (base_dir / "digits.json").write_text(json.dumps(doc))
    base = side("a", {STEP: 0.0}, base_dir)
    head = side("b", {STEP: 1e-9}, baselines.DEFAULT_DIR)
    (row,), _ = compare.judge(base, head)
    assert row["status"] == "changed" and row["declared"] and not row["fails"]
    assert render.verdict_text(row) == "**changed**, baseline updated"


def test_a_case_that_did_not_train_fails_and_says_why():
    base = side("a", {STEP: 0.0}, baselines.DEFAULT_DIR)
    head = side("b", {STEP: 0.0}, baselines.DEFAULT_DIR, failed={STEP})
    (row,), _ = compare.judge(base, head)
    assert row["status"] == "did not train" and row["fails"]
    assert row["why"] == f"at {head.revision.label}: ImportError: no module named oops"


def test_the_markdown_names_both_sides_the_verdicts_and_what_to_do(tmp_path):
    base = side("a", {STEP: 0.0, EXP: 0.0}, baselines.DEFAULT_DIR)
    head = side("b", {STEP: 0.01, EXP: 0.0}, baselines.DEFAULT_DIR)
    rows, alphas = compare.judge(base, head)
    report = {
        "base": base.to_dict(),
        "head": head.to_dict(),
        "machine": {"tensorflow": "2.21.0", "keras": "3.15.1", "cpu": "AMD EPYC"},
        "alpha": alphas,
        "cases": rows,
        "wall_seconds": 12.3,
        "exit": 1,
    }
    text = render.markdown(report)
    cells = re.sub(r" +", " ", text)  # the tables' columns padded to one width, read without it
    assert text.startswith("## python -m bench compare: " + base.revision.label + " -> " + head.revision.label)
    assert "\n1 changed; 1 identical\n" in text  # in the order the table shows them
    assert "| digits/holdout/step | **changed** | 5 | epoch 2 (train_loss) |" in cells
    # the paired difference of the final train loss: +0.01 on one seed of five, +0.002 on average
    assert "| digits/holdout/step | final_train_loss [loss] |" in cells and "| +0.0020 (" in cells
    assert f"- digits/holdout/step: `{baselines.update_command('digits', 'holdout', 'step')}`" in text
    assert text.endswith("exit 1: 1 case(s) need attention: digits/holdout/step")
    report["head"]["subject"] = "x" * 100  # a long subject is cut to 72 characters
    assert f'b (bbbbbbbbbb), "{"x" * 69}..."; code fingerprint' in render.markdown(report)
