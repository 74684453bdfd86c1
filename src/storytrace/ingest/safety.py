"""Guards that keep one hostile input from hurting the rest of a run: text every later stage can encode, names that
can be printed and stored, and a time budget per document.

- ``clean_str``: lone surrogates (``"\\ud800"`` from a JSON escape, ``"\\udcff"`` from a file name that is not UTF-8)
  cannot be encoded as UTF-8, so SQLite, the JSON writers and hashing would raise on them; they become U+FFFD here,
  once, at ingest.
- ``display_name``: a path as the user can read it; bytes that are not UTF-8 are shown as ``\\xff`` escapes (the
  file is still opened by its real name).
- ``time_budget``: a per-document deadline (SIGALRM, on the main thread of Unix only; elsewhere it does nothing and
  the readers' linear time is the only guard).
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

# Seconds one input (its reading, parsing and cleaning) may take before it is skipped. Every reader is linear, so
# this is only reached by something pathological: a 20 MB input (the default --max-bytes) of HTML, the slowest
# format, takes about 15 s on one core of the development machine; twice that leaves room for a slower one.
DOCUMENT_BUDGET_S = 30.0


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
    """Raised inside the reader by the alarm; a BaseException so that a reader's ``except Exception`` cannot eat it."""


@contextlib.contextmanager
def time_budget(origin: str, seconds: float = DOCUMENT_BUDGET_S) -> Iterator[None]:
    """Raise ``InputError(origin, "took longer than N s ...")`` when the block runs past ``seconds``."""
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # someone else's alarm is running: leave it be
    )
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise _OverBudget

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OverBudget:
        raise InputError(origin, f"took longer than {seconds:g} s to read (time limit per document)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


__all__ = ["DOCUMENT_BUDGET_S", "clean_opt", "clean_str", "display_name", "time_budget"]
