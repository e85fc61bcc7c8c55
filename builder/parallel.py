"""Per-item work split over forked processes, with the result a single process gives.

A plain fork and a pipe per child, not multiprocessing.Pool: a Pool's worker that dies
(killed, out of memory) leaves `map` waiting for ever, and its handler threads and queues
are more locks to hold at a fork. Here the parent does a share of the work itself, then
reads each child's results to the end; a child that fails or dies is an error, never a hang.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from typing import Callable, TypeVar

from .errors import BuilderError

T = TypeVar("T")
R = TypeVar("R")

MIN_JOBS = 64  # below this, a fork costs more than it saves


class WorkerFailed(BuilderError):
    """A forked process ended without sending its results."""


def in_processes(function: Callable[[list[T]], list[R]], jobs: list[T], workers: int) -> list[R]:
    """function(jobs) over `workers` processes, in order: the same list one call returns.

    `function` maps a list of jobs to a list of results, one per job, and reads whatever
    else it needs from module state set before the call (the children are forks: they see
    it). An exception raised in a child is raised here. A fork copies only the calling
    thread: a lock another thread holds (a progress bar, a server) would never be released
    in a child. With other threads running, or without fork, one process does it all.
    """
    if workers < 2 or len(jobs) < MIN_JOBS or threading.active_count() > 1 or not hasattr(os, "fork"):
        return function(jobs)
    shares = [jobs[k::workers] for k in range(workers)]  # interleaved: big and small pages mixed
    pending: list[tuple[int, int]] = []  # (pid, read end) of each child not yet collected
    try:
        for share in shares[1:]:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: its share, pickled down the pipe, then gone
                os.close(read_end)
                _child(function, share, write_end)
            os.close(write_end)
            pending.append((pid, read_end))
        results = [function(shares[0])]
        while pending:
            pid, read_end = pending.pop(0)
            results.append(_collect(pid, read_end))
    finally:
        for pid, read_end in pending:  # interrupted, or a share failed: stop the others
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            os.close(read_end)
            os.waitpid(pid, 0)
    out: list[R] = [None] * len(jobs)  # type: ignore[list-item]
    for k, part in enumerate(results):
        if len(part) != len(shares[k]):
            raise WorkerFailed(f"a worker returned {len(part)} results for {len(shares[k])} jobs")
        out[k::workers] = part
    return out


def _child(function, share, write_end: int) -> None:
    status = 0
    try:
        try:
            payload = pickle.dumps(("ok", function(share)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
            status = 1
            try:
                payload = pickle.dumps(("error", exc), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled
                payload = pickle.dumps(("error", WorkerFailed(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(write_end, "wb") as out:
            out.write(payload)
    finally:
        os._exit(status)


def _collect(pid: int, read_end: int) -> list:
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    try:
        kind, value = pickle.loads(data)
    except Exception:  # noqa: BLE001 - nothing, or half of it: the child died
        raise WorkerFailed(f"a worker process ended without its results (exit status "
                           f"{os.waitstatus_to_exitcode(status)})") from None
    if kind == "error":
        raise value
    return value
