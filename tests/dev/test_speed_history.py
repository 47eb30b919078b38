"""bench/dev/speed_history.py: it times a folder's records into an empty store and refuses one with nights."""

from bench.stores import history_store, results
from tests.dev import command

run_speed_history = command("speed history")


def test_times_each_round_and_refuses_a_store_with_nights(tmp_path, capsys):
    folder = tmp_path / "session"
    folder.mkdir()
    for seed in range(3):
        results.append(
            folder,
            results.record(
                "run",
                benchmark="demo",
                protocol="p",
                case="c",
                seed=seed,
                metrics={},
                history={},
            ),
        )
    assert run_speed_history([str(folder), "--rounds", "2"]) == 0
    out = capsys.readouterr().out
    assert "(sqlite): 3 records of" in out and out.count(" ms per record") == 2
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    history_store.open_store(url).night(
        {"key": "k", "started": "2026-11-30T00:00:00Z", "environment": {}, "options": {}}
    )
    assert run_speed_history([str(folder), "--history", url]) == 2
    assert "holds nights" in capsys.readouterr().err
    assert history_store.open_store(url).counts()["nights"] == 1  # untouched
