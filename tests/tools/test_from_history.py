"""python -m bench baselines from-history: a case's entries from the seeds its nights collected."""

import json
import shutil

import pytest

from bench.__main__ import main
from bench.planning import ledger
from bench.stores import baselines, history_store
from tests.planning.test_ledger import STEP, night, trained


def setup(tmp_path, seeds):
    """A baseline folder whose ionosphere file lacks published/step, and a store whose nights collected ``seeds``
    (offsets into the collection range) of it, half on each of two nights."""
    folder = tmp_path / "baselines"
    folder.mkdir()
    shutil.copy(baselines.path_for("ionosphere"), folder)
    doc = json.loads((folder / "ionosphere.json").read_text())
    del doc["cases"]["published"]["step"]
    (folder / "ionosphere.json").write_text(json.dumps(doc))
    url = f"sqlite:///{tmp_path}/h.sqlite"
    store = history_store.open_store(url)
    first = [ledger.COLLECT_SEEDS.start + s for s in range(seeds)]
    trained(store, night(store, "2026-12-01T02:00:00Z"), STEP, first[: seeds // 2])
    trained(store, night(store, "2026-12-02T02:00:00Z"), STEP, first[seeds // 2 :])
    store.close()
    return folder, url


def command(folder, url):
    return ["baselines", "from-history", "ionosphere", "--case", "step", "--history", url, "--baselines", str(folder)]


def test_twenty_collected_seeds_become_the_case_s_entries_and_a_second_run_refuses(tmp_path, capsys):
    folder, url = setup(tmp_path, 20)
    before = json.loads((folder / "ionosphere.json").read_text())
    assert main(command(folder, url)) == 0
    assert "from 20 seeds (500000..500019)" in capsys.readouterr().out
    after = json.loads((folder / "ionosphere.json").read_text())
    entry = after["cases"]["published"]["step"]["final_val_accuracy"]
    assert entry["n"] == 20 and len(entry["values"]) == 20 and entry["provenance"]["source"] == "measured"
    assert entry["provenance"]["seeds"] == list(range(500_000, 500_020))
    assert "collected over 2 night(s) (2026-12-01 .. 2026-12-02)" in entry["provenance"]["how"]
    # seed % 3 over 500000..500019: seven 2s, seven 0s, six 1s: 0.98 + (7 x 0.002 + 6 x 0.001) / 20 = 0.981
    assert entry["mean"] == pytest.approx(0.981, abs=1e-12)
    assert after["cases"]["published"]["constant"] == before["cases"]["published"]["constant"]  # the rest kept
    written = (folder / "ionosphere.json").read_bytes()
    assert main(command(folder, url)) == 2
    assert "already has a measured baseline" in capsys.readouterr().err
    assert (folder / "ionosphere.json").read_bytes() == written  # nothing overwritten


def test_too_few_seeds_or_no_store_write_nothing_and_say_what_to_do(tmp_path, capsys):
    folder, url = setup(tmp_path, 19)
    written = (folder / "ionosphere.json").read_bytes()
    assert main(command(folder, url)) == 2
    assert "has 19 of the 20 seeds a baseline needs" in capsys.readouterr().err
    missing = tmp_path / "typo.sqlite"
    assert main(command(folder, f"sqlite:///{missing}")) == 2
    assert "no history store at" in capsys.readouterr().err and not missing.exists()
    assert (folder / "ionosphere.json").read_bytes() == written
