"""bench/report/html.py, rendered in headless Chromium: the table and every image are really shown.

Needs Debian's chromium (/usr/bin/chromium) and the playwright package (`pip install -e '.[test]'`): the
``browser`` fixture (tests/conftest.py). Without them the test skips, except under CI=true, where it fails.
"""

import pytest

from bench.report import html as html_report
from bench.statistics import gates
from bench.statistics.verdicts import Verdict
from bench.stores import baselines
from tests.report.test_plots import history, png_size

PROV = {
    "source": "measured",
    "tensorflow": "2.21.0",
    "keras": "3.15.1",
    "device": "CPU: test",
    "date": "2026-11-21",
    "command": "pytest -m slow --update-baselines",
    "seeds": list(range(20)),
}
S = {"n": 2, "mean": 0.85, "std": 0.02, "min": 0.83, "max": 0.87}


def small_run():
    doc = baselines.updated(
        None,
        "demo",
        {("p", "a"): {"final_val_accuracy": [0.83, 0.87] * 10}, ("p", "b"): {"final_val_accuracy": [0.83, 0.87] * 10}},
        PROV,
        ["TF 2.21.0 / Keras 3.15.1 (tensorflow), CPU: test"],
    )
    verdicts = [
        gates.judge_metric(
            Verdict(
                "demo",
                "p",
                case,
                "final_val_accuracy",
                summary,
                baseline=doc["cases"]["p"][case]["final_val_accuracy"],
                majority_rate=0.6,
            ),
            0.01,
        )
        for case, summary in (("a", S), ("b", dict(S, mean=0.5)))
    ]
    histories = {("demo", "p", "a"): [history(0.0), history(0.05)], ("demo", "p", "b"): [history(0.1)]}
    return verdicts, histories


@pytest.mark.e2e  # renders a report's PNG plots with matplotlib: about 1 s on a machine this size
def test_report_folder_contents(tmp_path):
    verdicts, histories = small_run()
    index = html_report.write(tmp_path / "report", verdicts, histories, {"tensorflow": "2.21.0"})
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == [
        "index.html",
        "plots",
        "report.json",
        "report.md",
    ]
    for png in (tmp_path / "report" / "plots").iterdir():
        assert png_size(png) == (800, 500)
    text = index.read_text()
    assert text.count("<img ") == 4 and "<script" not in text and "http" not in text.split("<body>")[1]


@pytest.mark.e2e  # starts a browser: about 2 s
def test_report_renders_in_chromium_with_table_and_images(tmp_path, browser):
    verdicts, histories = small_run()
    index = html_report.write(tmp_path / "report", verdicts, histories, {"tensorflow": "2.21.0"})
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(index.as_uri())
    page.wait_for_load_state("load")
    rows = page.eval_on_selector_all("#comparison tbody tr", "rows => rows.map(r => r.innerText)")
    assert len(rows) == 2 and "FAIL" in rows[1] and "pass" in rows[0]
    images = page.evaluate(
        "Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, "
        "i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width])"
    )
    assert len(images) == 4
    for src, complete, width, height, shown_width in images:
        assert complete and (width, height) == (800, 500), f"{src} did not load"
        assert shown_width > 100, f"{src} is not displayed"
    assert page.is_visible("text=Where each baseline comes from")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert png_size(tmp_path / "report.png")[0] == 1400
