"""Stand-ins for what pytest hands the harness: a terminal reporter that keeps its lines, and a config."""

import contextlib
import types


class Reporter:
    """pytest's terminal reporter as the harness uses it: lines written, sections, rewrites on a terminal."""

    def __init__(self, tty=False, stats=None):
        self.lines, self.tty, self.stats = [], tty, stats or {}

    def write_line(self, text):
        self.lines.extend(str(text).splitlines())

    def section(self, title):
        self.lines.append(f"== {title} ==")

    def rewrite(self, text, erase=False):
        self.lines.append(f"\r{text}")

    def isatty(self):
        return self.tty

    @property
    def text(self):
        return "\n".join(self.lines)


def config_with(reporter):
    """A config whose plugin manager hands out ``reporter`` and a capture manager that lets it print."""
    capture = types.SimpleNamespace(global_and_fixture_disabled=contextlib.nullcontext)
    plugins = {"terminalreporter": reporter, "capturemanager": capture}
    return types.SimpleNamespace(pluginmanager=types.SimpleNamespace(getplugin=plugins.get))
