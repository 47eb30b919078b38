"""Options the pytest plugin and ``python -m bench`` share, each defined once: its name in both, its
metavar and what its value means. The plugin adds ``--bench-NAME``-style options from here; the commands
(``bench/tools/cli.py``) add ``--NAME``; each help text starts with the shared meaning and may say more
(its default there). ``tests/tools/test_cli.py`` walks every command's ``--help`` against this table.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Shared:
    name: str  # the commands' flag, --NAME
    pytest: str | None  # the pytest option with the same meaning, if there is one
    metavar: str
    meaning: str  # what the value is; every help text of the option starts with it

    @property
    def flag(self):
        return f"--{self.name}"

    def help(self, more=""):
        """The help text: the meaning, then what one command or the plugin adds (its default, say)."""
        return f"{self.meaning}; {more}" if more else self.meaning


SHARED = {
    s.name: s
    for s in (
        Shared("baselines", "--bench-baselines", "DIR", "the folder of baseline files"),
        Shared(
            "results",
            "--bench-results",
            "DIR",
            "the results root: one folder per session under it, each with its results.jsonl",
        ),
        Shared(
            "history",
            "--bench-history",
            "URL",
            "a history store: sqlite:///path/file.sqlite, a file path, or postgresql://user@host/db",
        ),
        Shared("seeds", "--bench-seeds", "N", "seeds each case trains"),
        Shared("first-seed", "--bench-first-seed", "S", "the first seed; a case trains S, S+1, ..."),
        Shared("md", "--bench-report-md", "FILE", "also write Markdown to FILE, which must not exist"),
        Shared("json", "--bench-report-json", "FILE", "also write JSON to FILE, which must not exist"),
        Shared(
            "select",
            "--bench-case",
            "BENCHMARK[/PROTOCOL[/CASE]]",
            "exactly these benchmark cases (repeatable; a benchmark or protocol alone selects all its cases)",
        ),
        Shared("case", None, "CASE", "a case of the benchmark, by its name (e.g. step)"),
        Shared("protocol", None, "PROTOCOL", "a protocol of the benchmark (e.g. published)"),
        Shared(
            "records",
            None,
            "FILE",
            "calibration records (JSON lines of python -m bench calibrate gates), one file per environment",
        ),
        Shared("alpha", None, "ALPHA", "the chance of a false alarm the test is run at"),
    )
}
