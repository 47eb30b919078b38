"""The state of one pytest session's benchmark runs: what it trains, records and judges.

Created by the plugin (``bench/harness/plugin.py``) from the command-line options; the
``bench_session`` fixture hands it to the tests in ``tests/test_accuracy.py``.
"""

import dataclasses
import json
import os
import time
from pathlib import Path

import pytest

from bench.benchmarks import RunOptions
from bench.engine.records import METRICS, per_seed, summarize_runs
from bench.harness import baselines, gates

BASELINE_SEEDS = 40  # seeds per case when --update-baselines is given without --bench-seeds
GATED_PER_CASE = 3  # worse on the headline metric; changed on final and mean train loss


class BenchSession:
    """State of one pytest session's benchmark runs."""

    def __init__(self, config):
        self.config = config
        self.seeds_option = config.getoption("--bench-seeds")
        self.first_seed = config.getoption("--bench-first-seed")
        self.strict = config.getoption("--bench-strict")
        self.tests = 0  # gated tests selected this session, for the per-test alpha (set after collection)
        self.trained = 0  # cases that trained and were judged
        self.options = RunOptions(cifar10=config.getoption("--bench-cifar10"),
                                  fashion_mnist=config.getoption("--bench-fashion-mnist"),
                                  allow_cpu=config.getoption("--bench-allow-cpu"))
        self.require_data = config.getoption("--bench-require-data")
        self.tensorboard = config.getoption("--bench-tensorboard")
        self.update = config.getoption("--update-baselines")
        self.baseline_dir = Path(config.getoption("--bench-baselines"))
        self.results_root = Path(config.getoption("--bench-results"))
        worker = getattr(config, "workerinput", None)
        self.worker_id = worker["workerid"] if worker else None
        self.results_dir = Path(worker["bench_results_dir"]) if worker else None
        self.verdicts = []
        self.confirm = config.getoption("--bench-confirm-baselines")
        self.measured = {}  # benchmark -> {(protocol, schedule): per-seed values}, for --update-baselines
        self.seeds_used = {}  # benchmark -> the seeds its cases trained
        self.confirmed = {}  # benchmark -> [(protocol, schedule)] whose gates all passed
        self.histories = {}  # (benchmark, protocol, schedule) -> per-seed histories, for the report
        self._baselines = {}

    # -- measuring ------------------------------------------------------------------
    def seeds_for(self, benchmark):
        """The seeds each case of ``benchmark`` trains: ``--bench-first-seed`` on, as many as chosen."""
        n = self.seeds_option or (BASELINE_SEEDS if self.update else benchmark.seeds)
        return list(range(self.first_seed, self.first_seed + n))

    def run_case(self, benchmark, protocol, schedule):
        """Train every seed of one case of ``benchmark`` (a ``Benchmark``); returns ``(runs, verdicts)``.

        Results are written per seed, as each finishes.
        """
        # Fail before training if the file is unusable; --update-baselines may create it.
        try:
            baseline = self.baseline(benchmark.name, missing_ok=self.update)
            entries = {} if baseline is None else baselines.case_entries(baseline, protocol, schedule,
                                                                         self.baseline_dir)
        except baselines.BaselineError as err:
            pytest.fail(str(err), pytrace=False)
        seeds = self.seeds_for(benchmark)
        runs = []
        clock = {"start": time.perf_counter(), "done": 0, "total": len(seeds) * benchmark.epochs(self.options)}
        for i, seed in enumerate(seeds):
            label = f"{benchmark.name}/{protocol}/{schedule} seed {i + 1}/{len(seeds)}"
            run = benchmark.train(schedule, seed, protocol, on_epoch=self._epoch_printer(label, benchmark, clock),
                                  options=self.options)
            self._write_result({"kind": "run", **run.to_dict()})
            if self.tensorboard:
                from bench.report import tensorboard

                tensorboard.write_run(self.tensorboard, run)
            headline = benchmark.metric if benchmark.metric in run.metrics else next(iter(run.metrics))
            self._progress(f"{label} (seed {seed}): {headline} {run.metrics[headline]:.4f}, "
                           f"{run.train_time_s:.1f} s", final=True)
            runs.append(run)
        summaries = summarize_runs(runs)
        self.histories[(benchmark.name, protocol, schedule)] = [r.history for r in runs]
        overlap = bool(set(seeds) & set(baselines.seeds_of(baseline, protocol, schedule)))
        alpha = gates.alpha_for(self.tests or GATED_PER_CASE)
        verdicts = [gates.judge_metric(gates.Verdict(
            benchmark.name, protocol, schedule, metric, summary, baseline=entries.get(metric),
            majority_rate=runs[0].majority_rate, reference_note=benchmark.reference_note,
            registry_schedule=benchmark.case(schedule).schedule, seeds_overlap=overlap), alpha)
            for metric, summary in summaries.items()]
        self.verdicts.extend(verdicts)
        self.trained += 1
        self._write_result({"kind": "summary", "benchmark": benchmark.name, "protocol": protocol,
                            "schedule": schedule, "registry_schedule": benchmark.case(schedule).schedule,
                            "seeds": seeds, "environment": runs[0].environment, "summaries": summaries,
                            "verdicts": [v.to_dict() for v in verdicts]})
        self.measured.setdefault(benchmark.name, {})[(protocol, schedule)] = per_seed(runs)
        self.seeds_used[benchmark.name] = seeds
        if all(v.verdict not in ("FAIL", "CHANGED") for v in verdicts):
            self.confirmed.setdefault(benchmark.name, []).append((protocol, schedule))
        return runs, verdicts

    def strict_failures(self, verdicts):
        """Under --bench-strict: a case none of whose gates has a baseline entry fails (one verdict names it).

        A case gated on some metrics only (a published floor on accuracy) is judged, so it passes."""
        if not self.strict or self.update or any(v.gated for v in verdicts):
            return []
        unjudged = [v for v in verdicts if v.verdict == "new" and METRICS[v.metric].question != "info"]
        return unjudged[:1]

    def baseline(self, benchmark, missing_ok=False):
        """The benchmark's baseline document, loaded once; None when absent and ``missing_ok``.

        An absent file is otherwise a ``BaselineError`` naming it; a malformed one always is.
        """
        if self._baselines.get(benchmark) is None:
            path = baselines.path_for(benchmark, self.baseline_dir)
            if missing_ok and not path.exists():
                return None
            self._baselines[benchmark] = baselines.load(benchmark, self.baseline_dir)
        return self._baselines[benchmark]

    def check_requirements(self, benchmark):
        """Skip a case that cannot run here; fail it instead under --bench-strict (any reason) or
        --bench-require-data (absent data)."""
        missing = benchmark.unmet(self.options)
        if missing:
            kind, reason = missing
            if kind == "gpu":
                reason += " Pass --bench-allow-cpu to run it on the CPU anyway."
            if self.strict:
                pytest.fail(f"{benchmark.name}: did not train: {reason} (--bench-strict: a case that does not "
                            "train fails the nightly)", pytrace=False)
            if kind == "data" and self.require_data:
                pytest.fail(f"{benchmark.name}: {reason} (--bench-require-data turns this skip into a failure)",
                            pytrace=False)
            pytest.skip(f"{benchmark.name}: {reason}")

    # -- pytest-xdist: workers export, the controller absorbs and merges ----------------
    def export(self):
        return {"verdicts": [dataclasses.asdict(v) for v in self.verdicts],
                "measured": {b: [[p, s, summaries] for (p, s), summaries in cases.items()]
                             for b, cases in self.measured.items()},
                "confirmed": self.confirmed, "trained": self.trained, "seeds_used": self.seeds_used,
                "histories": [[*case, runs] for case, runs in self.histories.items()]}

    def absorb(self, payload):
        self.verdicts.extend(gates.Verdict(**v) for v in payload["verdicts"])
        self.trained += payload["trained"]
        for benchmark, cases in payload["measured"].items():
            for protocol, schedule, summaries in cases:
                self.measured.setdefault(benchmark, {})[(protocol, schedule)] = summaries
        self.seeds_used.update(payload["seeds_used"])
        for benchmark, cases in payload["confirmed"].items():
            self.confirmed.setdefault(benchmark, []).extend(tuple(c) for c in cases)
        for benchmark, protocol, schedule, runs in payload["histories"]:
            self.histories[(benchmark, protocol, schedule)] = runs

    def merge_worker_results(self):
        """Append the workers' results files, in worker order, to the session's results.jsonl.

        The controller reserves the folder when workers start; if none of them trained,
        the empty folder is removed again.
        """
        parts = sorted(self.results_dir.glob("results-gw*.jsonl"), key=lambda p: int(p.stem[len("results-gw"):]))
        if not any(self.results_dir.iterdir()):
            self.results_dir.rmdir()
            self.results_dir = None
        elif parts:
            with open(self.results_dir / "results.jsonl", "a") as out:
                for part in parts:
                    out.write(part.read_text())

    def failures(self, verdicts):
        """Failed gates; none while updating baselines (the table still shows them)."""
        if self.update:
            return []
        return [v for v in verdicts if v.verdict in ("FAIL", "CHANGED")] + self.strict_failures(verdicts)

    # -- output -------------------------------------------------------------------------
    def ensure_results_dir(self):
        if self.results_dir is None:
            self.results_dir = _new_dir(self.results_root, f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        return self.results_dir

    def _write_result(self, record):
        name = f"results-{self.worker_id}.jsonl" if self.worker_id else "results.jsonl"
        with open(self.ensure_results_dir() / name, "a") as f:
            f.write(json.dumps(record) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _progress(self, text, final=False):
        reporter = self.config.pluginmanager.getplugin("terminalreporter")
        capture = self.config.pluginmanager.getplugin("capturemanager")
        if reporter is None or capture is None:
            return
        with capture.global_and_fixture_disabled():
            if reporter.isatty() and not final:
                reporter.rewrite(text, erase=True)
            else:
                reporter.write_line(text)

    def _epoch_printer(self, label, benchmark, clock):
        """Progress per epoch: seed i/N, epoch, rate, loss, metric, and the case's ETA (wall clock, from
        the epochs done so far). Every epoch on a terminal (rewritten in place), every 10th in a log."""
        epochs = benchmark.epochs(self.options)
        reporter = self.config.pluginmanager.getplugin("terminalreporter")  # None in xdist workers
        tty = reporter is not None and reporter.isatty()

        def on_epoch(epoch, record):
            clock["done"] += 1
            if tty or (epoch + 1) % 10 == 0 or epoch + 1 == epochs:
                metric = next(k for k in record if k.startswith("val_") and k != "val_loss")
                elapsed = time.perf_counter() - clock["start"]
                eta = elapsed / clock["done"] * (clock["total"] - clock["done"])
                self._progress(f"{label} epoch {epoch + 1}/{epochs}: lr {record['lr']:.3g}, "
                               f"loss {record['train_loss']:.4f}, {metric} {record[metric]:.4f}, "
                               f"case ETA {_duration(eta)}")
        return on_epoch


def _duration(seconds):
    """``42 s``, ``3 min 5 s``, ``2 h 10 min``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def _new_dir(root, name):
    """Create and return a directory under ``root`` that did not exist before."""
    root.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 1000):
        path = root / (name if attempt == 1 else f"{name}-{attempt}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise RuntimeError(f"Could not create a new results directory under {root}")


