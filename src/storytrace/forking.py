"""When and how a stage splits its work over forked processes: the parse (``claims.extract``) and the per-story work
(``pipeline``). Forked workers inherit the loaded models and the records, and send back only their results."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

__all__ = ["fork_pool", "fork_workers"]

_PR_SET_PDEATHSIG = 1


def fork_workers(wanted: int, n: int, per_worker: int) -> int:
    """Processes to split ``n`` items over: at most ``wanted``, the machine's cores and ``STORYTRACE_WORKERS`` (a Ray
    worker sets 1: Ray already runs a process per core), at least ``per_worker`` items each, and one wherever
    forking is unsafe — a thread other than the main one (the web app ingests in worker threads; a fork copies only
    the calling thread, and locks the others held stay locked in the child) or a platform without fork."""
    wanted = min(wanted, int(os.environ.get("STORYTRACE_WORKERS", "0")) or wanted)
    if (
        wanted < 2
        or n < 2 * per_worker
        or threading.current_thread() is not threading.main_thread()
        or "fork" not in mp.get_all_start_methods()
    ):
        return 1
    return max(1, min(wanted, os.cpu_count() or 1, n // per_worker))


def _die_with(parent: int) -> None:
    """A worker ends when its parent does, even by ``kill -9`` (an interrupted ``storytrace ingest``), instead of
    waiting forever, with a copy of the models, for work that will not come."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # a libc without prctl: the check below still holds
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent went before the signal was asked for
        os._exit(1)


def fork_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` forked processes that end with this one."""
    return ProcessPoolExecutor(
        workers, mp_context=mp.get_context("fork"), initializer=_die_with, initargs=(os.getpid(),)
    )
