"""bench/stores/history_store.py on SQLite and on a real PostgreSQL server (``store_url``, tests/conftest.py):
nights, records kept once, newer summaries winning, imports, concurrent writers, the schema's versions."""

import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

from bench.stores import history_store, provenance, results


def run(seed, acc=0.9, case="c"):
    return results.record(
        "run",
        benchmark="demo",
        protocol="p",
        case=case,
        schedule="step",
        seed=seed,
        metrics={"final_val_accuracy": acc, "final_train_loss": float("nan")},
        history={},
        environment={"python": "3.11", "date": "2026-11-30T01:00:00Z"},
    )


def summary(mean, verdict="pass", case="c", seeds=(0, 1)):
    return results.record(
        "summary",
        benchmark="demo",
        protocol="p",
        case=case,
        schedule="step",
        seeds=list(seeds),
        environment={"python": "3.11"},
        summaries={},
        verdicts=[
            {
                "metric": "final_val_accuracy",
                "measured": {"n": len(seeds), "mean": mean, "std": 0.01},
                "low": 0.85,
                "high": None,
                "verdict": verdict,
            }
        ],
    )


def night(key="k1", started="2026-11-30T01:00:00Z"):
    return {
        "key": key,
        "started": started,
        "commit": "abc",
        "dirty": False,
        "branch": "main",
        "host": "h",
        "environment": {"python": "3.11"},
        "options": {"seeds": 2},
    }


def test_a_night_keeps_each_seed_once_and_the_newest_summary(store_url):
    store = history_store.open_store(store_url())
    first = store.night(night())
    assert store.night(night()) == first  # the same key: the same night (a worker, a resume, an import)
    store.add_many(first, [run(0), run(1), summary(0.90)])
    store.add_many(first, [run(0, acc=0.5), run(2), summary(0.91, "FAIL", seeds=(0, 1, 2))])
    kept = {(r["kind"], r.get("seed")): r for _, r in store.records()}
    assert sorted(kept, key=str) == [("run", 0), ("run", 1), ("run", 2), ("summary", None)]
    assert kept[("run", 0)]["metrics"]["final_val_accuracy"] == 0.9  # the first record of a seed wins
    assert kept[("run", 0)]["metrics"]["final_train_loss"] is None  # NaN: JSON (and PostgreSQL) hold null
    assert [r["kind"] for _, r in store.records(kind=("summary", "failed"))] == ["summary"]  # without the runs
    assert [r["seed"] for _, r in store.records(kind="run")] == [0, 1, 2]
    (verdict,) = store.verdict_rows()
    assert (verdict["n"], verdict["mean"], verdict["verdict"], verdict["low"], verdict["high"]) == (
        3,
        0.91,
        "FAIL",
        0.85,
        None,
    )
    second = store.night(night("k2", "2026-11-29T01:00:00Z"))
    store.add(second, run(0, case="other"))
    assert [n["key"] for n in store.nights()] == ["k2", "k1"]  # oldest first, by start
    assert [n["key"] for n in store.nights("demo")] == ["k2", "k1"] and store.benchmarks() == ["demo"]
    assert store.counts() == {"nights": 2, "records": 5, "verdicts": 1}


def test_importing_a_results_folder_twice_adds_it_once_and_a_live_session_s_folder_keeps_its_night(tmp_path, store_url):
    folder = tmp_path / "20261130-010000-1"
    folder.mkdir()
    results.append(folder, run(0))
    results.append(folder, run(1), worker_id="gw0")  # a worker's file a kill left unmerged
    with open(folder / "results.jsonl", "a") as f:
        f.write('{"format": 2, "kind": "run", "bench')  # a line cut by a kill
    store = history_store.open_store(store_url())
    assert store.import_folder(folder)[1] == 2
    assert store.import_folder(folder)[1] == 2
    (only,) = store.nights()
    assert only["key"] == "folder:20261130-010000-1" and only["started"] == "2026-11-30T01:00:00Z"
    assert store.counts()["records"] == 2
    live = tmp_path / "live"
    live.mkdir()
    results.append(live, run(5))
    provenance.write_session_file(live, night("live-key"))
    live_id = store.night(night("live-key"))
    assert store.import_folder(live)[0] == live_id and store.counts() == {"nights": 2, "records": 3, "verdicts": 0}


def test_the_schema_is_versioned_and_a_new_step_runs_once_on_an_older_database(store_url, monkeypatch):
    url = store_url()
    assert history_store.open_store(url).version == history_store.SCHEMA_VERSION == 1
    calls = []

    def add_notes(conn):
        calls.append(1)
        sa.Table("notes", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True)).create(conn)

    monkeypatch.setattr(history_store, "MIGRATIONS", (*history_store.MIGRATIONS, add_notes))
    monkeypatch.setattr(history_store, "SCHEMA_VERSION", 2)
    store = history_store.open_store(url)
    assert store.version == 2 and calls == [1] and sa.inspect(store.engine).has_table("notes")
    history_store.open_store(url)
    assert calls == [1]  # at version 2 already
    monkeypatch.setattr(history_store, "SCHEMA_VERSION", 1)
    with pytest.raises(
        history_store.HistoryError,
        match="has schema version 2; this version of the suite reads up to 1. Update the suite",
    ):
        history_store.open_store(url)


@pytest.mark.e2e  # four processes importing SQLAlchemy: about 2 s
def test_four_writers_at_once_lose_and_double_nothing(store_url, tmp_path):
    url = store_url()
    history_store.open_store(url).close()
    script = (
        "import sys; from bench.stores import history_store as h, results\n"
        "s = h.open_store(sys.argv[1]); w = int(sys.argv[2])\n"
        "n = s.night({'key': 'shared', 'started': '2026-11-30T00:00:00Z', 'environment': {}, 'options': {}})\n"
        "for i in range(40):\n"
        "    rec = results.record('run', benchmark='demo', protocol='p', case='c', metrics={}, history={})\n"
        "    s.add(n, {**rec, 'seed': i})\n"  # every writer: the same 40 seeds
        "    s.add(n, {**rec, 'seed': 1000 * (w + 1) + i})\n"
    )  # and 40 of its own
    writers = [subprocess.Popen([sys.executable, "-c", script, url, str(w)]) for w in range(4)]
    assert [p.wait(timeout=120) for p in writers] == [0] * 4
    store = history_store.open_store(url)
    seeds = sorted(r["seed"] for _, r in store.records())
    assert seeds == sorted([*range(40), *(1000 * (w + 1) + i for w in range(4) for i in range(40))])
    assert store.counts()["nights"] == 1


def test_urls_are_checked_and_an_unreachable_server_says_what_to_do(tmp_path):
    assert history_store.engine_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert history_store.engine_url(tmp_path / "h.sqlite") == f"sqlite:///{tmp_path / 'h.sqlite'}"
    with pytest.raises(
        history_store.HistoryError,
        match="give sqlite:///path/to/file.sqlite, a file path, or postgresql://user@host/database",
    ):
        history_store.engine_url("mysql://u@h/db")
    try:
        import psycopg  # noqa: F401  (the test extra installs it; `.[cpu]` alone does not)

        expected = r"cannot open the history database postgresql://bench@127.0.0.1:9/none: .*Check the URL"
    except ImportError:
        expected = r"history URL postgresql://bench@127.0.0.1:9/none needs the database driver 'psycopg': pip install"
    with pytest.raises(history_store.HistoryError, match=expected):  # never the password
        history_store.open_store("postgresql://bench:secret@127.0.0.1:9/none")
    assert history_store.shown_url("postgresql://bench:secret@h/db") == "postgresql://bench@h/db"


def test_a_night_s_description_carries_this_checkout_s_commit(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "f").write_text("1")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "f"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    state = provenance.git_state(tmp_path)
    assert state["commit"] == head and state["dirty"] is False and state["branch"] in ("main", "master")
    (tmp_path / "f").write_text("2")
    assert provenance.git_state(tmp_path)["dirty"] is True
    info = provenance.night_info(tmp_path, {"python": "3"}, {"seeds": 20}, tmp_path / "r")
    assert info["commit"] == head and len(info["key"]) == 32 and info["options"] == {"seeds": 20}
    provenance.write_session_file(tmp_path, info)
    provenance.write_session_file(tmp_path, {**info, "key": "other"})  # never replaced
    assert provenance.read_session_file(tmp_path)["key"] == info["key"]
    assert json.loads((tmp_path / "session.json").read_text())["commit"] == head
