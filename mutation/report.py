"""Kill rate and survivors of the last ``mutmut run`` (``tox -e mutation``; docs/tests.md#mutation-testing).

Run after ``mutmut run`` in the project root: ``python mutation/report.py``. Reads mutmut's
results (``mutmut results --all true``, ``mutmut show NAME``), matches each survivor against
``mutation/equivalent.toml`` (mutants no input can tell apart from the original, each with
why), and prints:

- every mutant's fate, counted: killed (a test failed), timeout (the mutant hung: the test
  run was stopped, which is a detection), survived, and anything else mutmut reports;
- the kill rate over non-equivalent mutants, and its range over random half-samples of the
  mutants (the rate should not depend on which mutants were drawn);
- the survivors that are not in the equivalent list, with their diffs.

Exits 1 when the kill rate is below the target (98 %), overall or in any one package mutated
(``schedules``, ``bench.statistics``), or an equivalent entry no longer matches any surviving mutant
(the list must stay true), else 0.
"""

import random
import re
import subprocess
import sys
from pathlib import Path

import tomllib

TARGET = 0.98
PACKAGES = ("schedules", "bench.statistics")  # what `[tool.mutmut]` mutates, each held to TARGET
HERE = Path(__file__).resolve().parent
DETECTED = ("killed", "timeout")


def mutmut(*args):
    return subprocess.run([sys.executable, "-m", "mutmut", *args], capture_output=True, text=True, check=True).stdout


def statuses():
    """``{mutant name: status}`` from ``mutmut results --all true``."""
    out = {}
    for line in mutmut("results", "--all", "true").splitlines():
        match = re.match(r"\s*(\S+__mutmut_\d+): (.+)$", line)
        if match:
            out[match.group(1)] = match.group(2).strip()
    return out


def function_of(name):
    """``schedules.decay.xǁStepǁ_rate__mutmut_6`` -> ``schedules.decay.Step._rate``."""
    module, _, mangled = re.sub(r"__mutmut_\d+$", "", name).rpartition(".")
    if mangled.startswith("xǁ"):  # a method: xǁClassǁmethod
        cls, method = mangled[2:].split("ǁ", 1)
        return f"{module}.{cls}.{method}"
    return f"{module}.{mangled[2:]}"  # a function: x_name


def change_of(name):
    """The mutant's changed line, as ``(before, after)`` with surrounding whitespace stripped."""
    diff = mutmut("show", name).splitlines()
    before = [line[1:].strip() for line in diff if line.startswith("-") and not line.startswith("---")]
    after = [line[1:].strip() for line in diff if line.startswith("+") and not line.startswith("+++")]
    return " / ".join(before), " / ".join(after)


def load_equivalents(path=HERE / "equivalent.toml"):
    return tomllib.loads(path.read_text())["equivalent"]


def main():
    fates = statuses()
    if not fates:
        sys.exit("No mutmut results here: run `mutmut run` in the project root first (or `tox -e mutation`).")
    equivalents = load_equivalents()
    used = set()
    unexplained, equivalent = [], []
    for name, status in sorted(fates.items()):
        if status != "survived":
            continue
        function, (before, after) = function_of(name), change_of(name)
        hit = next(
            (
                i
                for i, e in enumerate(equivalents)
                if e["function"] == function and e["before"] == before and e["after"] == after
            ),
            None,
        )
        if hit is None:
            unexplained.append((name, function, before, after))
        else:
            used.add(hit)
            equivalent.append(name)
    counts = {}
    for status in fates.values():
        counts[status] = counts.get(status, 0) + 1
    judged = [n for n, s in fates.items() if n not in equivalent and s in (*DETECTED, "survived")]
    detected = [n for n in judged if fates[n] in DETECTED]
    rate = len(detected) / len(judged)
    print(f"mutants: {len(fates)}  " + "  ".join(f"{status}: {n}" for status, n in sorted(counts.items())))
    print(f"equivalent survivors (mutation/equivalent.toml): {len(equivalent)}")
    print(
        f"kill rate over non-equivalent mutants: {len(detected)}/{len(judged)} = {rate:.1%} "
        f"(killed or timed out; target {TARGET:.0%})"
    )
    rng = random.Random(0)
    halves = [rng.sample(judged, len(judged) // 2) for _ in range(200)]
    rates = sorted(sum(fates[n] in DETECTED for n in half) / len(half) for half in halves)
    print(
        f"over 200 random halves of those mutants: {rates[0]:.1%} .. {rates[-1]:.1%} "
        f"(median {rates[len(rates) // 2]:.1%})"
    )
    low = []
    for package in PACKAGES:  # each package at the rule on its own: a good one must not carry a weak one
        mine = [n for n in judged if function_of(n).startswith(package + ".")]
        if mine:
            got = sum(fates[n] in DETECTED for n in mine) / len(mine)
            print(f"  {package}: {sum(fates[n] in DETECTED for n in mine)}/{len(mine)} = {got:.1%}")
            low += [package] if got < TARGET else []
    others = {s: n for s, n in counts.items() if s not in (*DETECTED, "survived")}
    if others:
        print(f"not judged (mutmut could not run them as mutants): {others}")
    for name, function, before, after in unexplained:
        print(f"SURVIVED {name} ({function})\n    - {before}\n    + {after}")
    stale = [e for i, e in enumerate(equivalents) if i not in used]
    for e in stale:
        print(f"STALE equivalent entry, no surviving mutant matches it: {e['function']}: {e['before']} -> {e['after']}")
    if rate < TARGET or stale or low:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
