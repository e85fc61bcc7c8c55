"""Progress on long work: a live bar on a terminal, nothing in CI or a pipe.

Only the CLI creates a `Progress`; code deeper down (the MkDocs plugin, suggest) reports
steps to `current()`, which does nothing when no terminal is watching. The one summary
line at the end is printed by the CLI either way.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import Iterator


def interactive(stream=None) -> bool:
    """True when a person watches a terminal: stderr is a TTY and no CI variable is set."""
    stream = stream or sys.stderr
    if os.environ.get("CI") or os.environ.get("KB_NO_PROGRESS"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """A rich progress display while a `with` block runs, when `enabled`."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = interactive() if enabled is None else enabled
        self.started = time.perf_counter()
        self._bar = None
        self._task = None

    def __enter__(self) -> "Progress":
        global _current
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, SpinnerColumn, TextColumn
            from rich.progress import TimeElapsedColumn

            self._bar = Bar(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=Console(stderr=True), transient=True,
                # No refresh thread: kb forks processes to render on both cores, and a fork
                # beside another thread is unsafe (kb then renders in one process). The bar
                # is redrawn when a step starts or advances instead (at most 10 times a second).
                auto_refresh=False,
            )
            self._bar.start()
            self._drawn = 0.0
        self._previous, _current = _current, self
        return self

    def __exit__(self, *exc) -> None:
        global _current
        _current = self._previous
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def step(self, description: str, total: int | None = None) -> None:
        """Start a new step (the previous one is done); `total` items if known."""
        if self._bar is None:
            return
        if self._task is not None:
            self._bar.remove_task(self._task)
        self._task = self._bar.add_task(description, total=total)
        self._redraw(force=True)

    def advance(self, n: int = 1) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, n)
            self._redraw()

    def _redraw(self, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self._drawn >= 0.1:
            self._drawn = now
            self._bar.refresh()

    @contextmanager
    def track(self, description: str, total: int | None = None) -> Iterator["Progress"]:
        self.step(description, total)
        yield self


class _Silent(Progress):
    def __init__(self):
        super().__init__(enabled=False)


_current: Progress | None = None


def current() -> Progress:
    """The progress display the CLI opened, or one that shows nothing."""
    return _current or _Silent()
