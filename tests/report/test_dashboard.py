"""bench/report/dashboard.py through python -m bench history dashboard: the pages, and in headless Chromium the change
point drawn at the night it starts, failed nights marked, and each night's provenance in its tooltip."""

import pytest

from bench.stores import history_store, results
from tests.tools import command
from tests.tools.test_changes import fill

run_dashboard = command("history dashboard")


def site(tmp_path, **kwargs):
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    store = fill(url, **kwargs)
    night = store.nights()[4]  # night 5's train loss failed its gate
    store.add(
        night["id"],
        results.record(
            "summary",
            benchmark="ionosphere",
            protocol="published",
            case="step",
            schedule="step",
            seeds=list(range(20)),
            environment=night["environment"],
            summaries={},
            verdicts=[
                {
                    "metric": "final_train_loss",
                    "verdict": "CHANGED",
                    "low": 0.1,
                    "high": 0.14,
                    "measured": {"n": 20, "mean": 0.121, "std": 0.01},
                }
            ],
        ),
    )
    assert run_dashboard([str(tmp_path / "site"), "--history", url]) == 0
    return tmp_path / "site"


def test_the_site_has_an_index_and_a_page_per_benchmark_with_a_chart_per_series(tmp_path):
    out = site(tmp_path)
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "ionosphere.html"]
    page = (out / "ionosphere.html").read_text()
    assert page.count("<svg ") == 2  # final_train_loss and final_val_accuracy; best_val_accuracy is not gated
    assert page.count('class="change-point" data-night="7"') == 1 and "<script" not in page
    assert "from night 7 (p &lt; 1e-05)" in page
    assert "night 10: ionosphere/published/exp: failed: NonFiniteLoss" in page
    index = (out / "index.html").read_text()
    assert (
        '<a href="ionosphere.html">ionosphere</a></td><td>10</td><td>2026-11-10 02:00</td><td>1</td><td>1</td>' in index
    )


def test_the_dashboard_refuses_a_folder_with_files_and_an_empty_history(tmp_path, capsys):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    fill(url)
    history_store.open_store(f"sqlite:///{tmp_path / 'empty.sqlite'}").close()  # a store with no nights
    for argv, message in (
        ([str(tmp_path / "full"), "--history", url], "never overwrites"),
        ([str(tmp_path / "new"), "--history", f"sqlite:///{tmp_path / 'empty.sqlite'}"], "no nights of any benchmark"),
    ):
        assert run_dashboard(argv) == 2
        assert message in capsys.readouterr().err
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    history_store.open_store(url).close()


@pytest.mark.e2e  # starts a browser: about 2 s
def test_the_change_point_sits_between_its_nights_in_chromium(tmp_path, browser):
    out = site(tmp_path)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto((out / "ionosphere.html").as_uri())
    page.wait_for_load_state("load")
    chart = page.query_selector("svg:has(.change-point)")
    centre = {
        k: (lambda b: b["x"] + b["width"] / 2)(chart.query_selector(f'.night[data-night="{k}"]').bounding_box())
        for k in range(1, 11)
    }
    mark = chart.query_selector('.change-point[data-night="7"]').bounding_box()
    assert centre[6] < mark["x"] + mark["width"] / 2 < centre[7]
    assert all(centre[k] < centre[k + 1] for k in range(1, 10))  # nights left to right
    failed = page.eval_on_selector_all(".night.failed", "els => els.map(e => e.dataset.night)")
    assert failed == ["5"]
    assert page.eval_on_selector(".night.failed", "e => getComputedStyle(e).fill") == "rgb(208, 2, 27)"
    tip = chart.query_selector('.night[data-night="7"] title').text_content()
    assert tip.startswith("night 7, 2026-11-07 02:00, commit c07c07c07c07") and "[injected: x0.85]" in tip
    cell = page.locator("details table td", has_text="c05c05c05c05").first
    assert not cell.is_visible()  # the table of nights is folded away until asked for
    page.click("summary")
    assert cell.is_visible()
