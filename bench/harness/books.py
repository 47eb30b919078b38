"""A session's books: what it trained and judged, for the closing table and the baseline writer.

A pytest-xdist worker keeps its own books and hands them over as JSON when it ends (``export``); the
controller adds them to its own (``absorb``), so the table judges every worker's cases.
"""

import dataclasses

from bench.engine.records import CaseId, per_seed
from bench.statistics.verdicts import Verdict


@dataclasses.dataclass
class Books:
    verdicts: list = dataclasses.field(default_factory=list)  # every judged metric of every case, in run order
    trained: int = 0  # cases that trained and were judged
    not_trained: dict = dataclasses.field(default_factory=dict)  # CaseId -> why it did not train here
    measured: dict = dataclasses.field(default_factory=dict)  # benchmark -> {(protocol, case): per-seed values}
    seeds_used: dict = dataclasses.field(default_factory=dict)  # benchmark -> the seeds its cases trained
    confirmed: dict = dataclasses.field(default_factory=dict)  # benchmark -> [(protocol, case)] whose gates passed
    histories: dict = dataclasses.field(default_factory=dict)  # CaseId -> per-seed histories, for the report
    stacked: set = dataclasses.field(default_factory=set)  # benchmarks a case of which trained its seeds together

    def keep(self, case_id, runs, verdicts):
        """A case that trained and was judged: its verdicts, histories, per-seed values for --update-baselines,
        and whether --bench-confirm-baselines confirms it."""
        name, protocol, case = case_id
        self.verdicts.extend(verdicts)
        self.trained += 1
        self.histories[case_id] = [r.history for r in runs]
        self.measured.setdefault(name, {})[(protocol, case)] = per_seed(runs)
        self.seeds_used[name] = [run.seed for run in runs]
        if any(run.environment.get("engine") == "stacked" for run in runs):
            self.stacked.add(name)
        if all(v.verdict not in ("FAIL", "CHANGED") for v in verdicts):
            self.confirmed.setdefault(name, []).append((protocol, case))

    def export(self):
        """The books as plain JSON-able data (a worker's, for the controller)."""
        return {
            "verdicts": [dataclasses.asdict(v) for v in self.verdicts],
            "measured": {
                b: [[p, s, summaries] for (p, s), summaries in cases.items()] for b, cases in self.measured.items()
            },
            "confirmed": self.confirmed,
            "trained": self.trained,
            "seeds_used": self.seeds_used,
            "stacked": sorted(self.stacked),
            "not_trained": [[*case, why] for case, why in self.not_trained.items()],
            "histories": [[*case, runs] for case, runs in self.histories.items()],
        }

    def absorb(self, payload):
        """Add a worker's exported books to these."""
        self.verdicts.extend(Verdict(**v) for v in payload["verdicts"])
        self.trained += payload["trained"]
        for benchmark, protocol, case, why in payload["not_trained"]:
            self.not_trained[CaseId(benchmark, protocol, case)] = why
        for benchmark, cases in payload["measured"].items():
            for protocol, case, summaries in cases:
                self.measured.setdefault(benchmark, {})[(protocol, case)] = summaries
        self.seeds_used.update(payload["seeds_used"])
        self.stacked.update(payload["stacked"])
        for benchmark, cases in payload["confirmed"].items():
            self.confirmed.setdefault(benchmark, []).extend(tuple(c) for c in cases)
        for benchmark, protocol, case, runs in payload["histories"]:
            self.histories[CaseId(benchmark, protocol, case)] = runs
