"""Per-item work split over forked processes, with the result a single process gives."""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_JOBS = 64  # below this, a fork costs more than it saves


def in_processes(function: Callable[[list[T]], list[R]], jobs: list[T], workers: int) -> list[R]:
    """function(jobs) in `workers` forked processes, in order: the same list one call returns.

    `function` maps a list of jobs to a list of results, one per job, and reads whatever else
    it needs from module state set before the call (the children are forks: they see it).
    A fork copies only the calling thread: a lock another thread holds (a progress bar, a
    server) would never be released in the children. With other threads running, one process.
    """
    if workers < 2 or len(jobs) < MIN_JOBS or threading.active_count() > 1:
        return function(jobs)
    import multiprocessing

    size = max(1, len(jobs) // (workers * 8))
    chunks = [jobs[k: k + size] for k in range(0, len(jobs), size)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return [item for part in pool.map(function, chunks, chunksize=1) for item in part]
