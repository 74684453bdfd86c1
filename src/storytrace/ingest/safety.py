"""Guards that keep one hostile input from hurting the rest of a run: text every later stage can encode, names that
can be printed and stored, and a time budget per document.

- ``clean_str``: lone surrogates (``"\\ud800"`` from a JSON escape, ``"\\udcff"`` from a file name that is not UTF-8)
  cannot be encoded as UTF-8, so SQLite, the JSON writers and hashing would raise on them; they become U+FFFD here,
  once, at ingest.
- ``display_name``: a path as the user can read it; bytes that are not UTF-8 are shown as ``\\xff`` escapes (the
  file is still opened by its real name).
- ``time_budget``: a per-document budget of processor time (``budget_for(size)``), by ``ITIMER_PROF``/SIGPROF on the
  main thread of Unix only; elsewhere it does nothing and the readers' linear time is the only guard. Processor
  time, not wall time: a reader stuck in a loop uses it, a busy machine does not make a good input run over, and
  SIGALRM stays free for whoever else needs it (pytest-timeout, servers).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from storytrace.errors import InputError

# Surrogate code points: never valid on their own in UTF-8 text (the only str values Python cannot encode).
_SURROGATES = re.compile("[\ud800-\udfff]")

# Seconds one input (its reading, parsing and cleaning) may take before it is skipped: a base plus a share per MB,
# since every reader is linear in its input. Measured on the 2-core development machine under a load average of 8-10:
# HTML, the slowest format, read at about 2 s per MB (a 1 MB page 1.8 s, 4 MB 8.8 s); 5 s per MB leaves 2.5 times
# that, and the 30 s base covers the fixed costs (the first HTML page imports trafilatura and dateparser, ~3 s). A
# 20 MB input (the default --max-bytes) gets 130 s. Only something pathological reaches it.
DOCUMENT_BUDGET_S = 30.0
BUDGET_S_PER_MB = 5.0


def budget_for(n_bytes: int) -> float:
    """The time budget of an input of ``n_bytes``."""
    return DOCUMENT_BUDGET_S + BUDGET_S_PER_MB * n_bytes / 1_000_000


def clean_str(value: str) -> str:
    """``value`` with every lone surrogate replaced by U+FFFD, so that it encodes as UTF-8."""
    return _SURROGATES.sub("\ufffd", value) if _SURROGATES.search(value) else value


def clean_opt(value: str | None) -> str | None:
    return None if value is None else clean_str(value)


def display_name(path: str) -> str:
    """A path as text that encodes as UTF-8: undecodable bytes of the file name as ``\\xNN`` escapes."""
    if not _SURROGATES.search(path):
        return path
    try:
        raw = os.fsencode(path)
    except UnicodeError:
        return clean_str(path)
    return raw.decode("utf-8", "backslashreplace")


class _OverBudget(BaseException):
    """Raised inside the reader by the timer; a BaseException so that a reader's ``except Exception`` cannot eat it."""


@contextlib.contextmanager
def time_budget(origin: str, seconds: float) -> Iterator[None]:
    """Raise ``InputError(origin, "took longer than N s ...")`` when the block uses more than ``seconds`` of
    processor time."""
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)  # a profiler's timer is running: leave it be
    )
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise _OverBudget

    previous = signal.signal(signal.SIGPROF, on_alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    except _OverBudget:
        raise InputError(
            origin, f"took longer than {seconds:.0f} s of processor time to read (limit per document)"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


__all__ = [
    "BUDGET_S_PER_MB",
    "DOCUMENT_BUDGET_S",
    "budget_for",
    "clean_opt",
    "clean_str",
    "display_name",
    "time_budget",
]
