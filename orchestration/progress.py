"""The progress of a dbt build, as the CLI shows it: nodes done of total and the time so far.

A terminal gets a progress bar (rich); cron and CI get a plain line every few seconds and one at
the end; `--verbose` shows dbt's own lines instead. The figures come from dbt's structured events
(`NodeFinished`, and the `total` dbt puts on each node's start line), never from its text.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol

STYLES = ("none", "bar", "lines")


def progress_line(done: int, total: int | None, elapsed_seconds: float) -> str:
    """One plain progress line: `dbt build: 120/219 nodes done, 12.3 s`."""
    of_total = f"/{total}" if total else ""
    return f"dbt build: {done}{of_total} nodes done, {elapsed_seconds:.1f} s"


def style_for(verbose: bool, terminal: bool) -> str:
    """How a command shows progress: dbt's own lines when verbose, a bar on a terminal, else
    plain lines."""
    if verbose:
        return "none"
    return "bar" if terminal else "lines"


class Tracker(Protocol):
    def total(self, nodes: int) -> None: ...

    def advance(self) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    def total(self, nodes: int) -> None:
        pass

    def advance(self) -> None:
        pass

    def finish(self) -> None:
        pass


class LineProgress:
    """A plain line on stderr every `every_seconds` while nodes finish, and one at the end."""

    def __init__(self, every_seconds: float) -> None:
        self.every_seconds = every_seconds
        self.started = time.monotonic()
        self.last_line = self.started
        self.nodes: int | None = None
        self.done = 0

    def total(self, nodes: int) -> None:
        self.nodes = nodes

    def advance(self) -> None:
        self.done += 1
        now = time.monotonic()
        if now - self.last_line >= self.every_seconds:
            self.last_line = now
            self._print(now)

    def finish(self) -> None:
        self._print(time.monotonic())

    def _print(self, now: float) -> None:
        print(progress_line(self.done, self.nodes, now - self.started), file=sys.stderr, flush=True)


class BarProgress:
    """rich's progress bar on stderr: nodes done of total, elapsed time."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.progress = Progress(
            "dbt build",
            BarColumn(),
            MofNCompleteColumn(),
            "nodes",
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )
        self.task = self.progress.add_task("dbt build", total=None)
        self.progress.start()

    def total(self, nodes: int) -> None:
        self.progress.update(self.task, total=nodes)

    def advance(self) -> None:
        self.progress.advance(self.task)

    def finish(self) -> None:
        self.progress.stop()


def tracker(style: str, every_seconds: float) -> Tracker:
    """A started tracker of one build in `style` (one of STYLES)."""
    if style == "bar":
        return BarProgress()
    if style == "lines":
        return LineProgress(every_seconds)
    return NoProgress()
