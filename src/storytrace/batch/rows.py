"""Rows as they cross Ray's boundaries, and what every task does first.

Records travel pickled in a binary column: they are plain dataclasses, and their vectors numpy arrays of different
lengths, which Arrow tensor columns handle badly. Only rows this run's own tasks pickled are ever unpickled.
"""

from __future__ import annotations

import os
import pickle
import sys
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

Batch = dict[str, np.ndarray]  # Ray Data's "numpy" batch format: column name -> array


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=5)


def loads(blob: bytes) -> Any:
    return pickle.loads(blob)  # noqa: S301 - only rows this run's own tasks pickled, never outside input


def objects(values: Sequence[Any]) -> np.ndarray:
    """A column of Python objects (bytes, str) that stays one even when empty or when every value has one length."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def ints(values: Sequence[int] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


def bucket(key: str, buckets: int) -> int:
    """A shuffle bucket for a string key: the same on every worker and in every run (``hash`` is salted)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % max(1, buckets)


def in_worker() -> None:
    """Inside a Ray worker, which already runs one process per CPU: the stages must not fork their own process pools
    or start a thread per core (the stages read these at call time).

    Only in a Ray worker process: the same row functions also run in the driver (tests, a local call), where the
    settings would outlive the call and turn forking off for the rest of the process."""
    ray = sys.modules.get("ray")
    if ray is None:  # Ray never imported: not a Ray worker
        return
    # the public RuntimeContext has no "am I a worker" call; a worker process's global worker is in WORKER_MODE
    worker = getattr(getattr(ray, "_private", None), "worker", None)
    mode = getattr(getattr(worker, "global_worker", None), "mode", None)
    if mode != getattr(ray, "WORKER_MODE", object()):
        return
    os.environ.setdefault("STORYTRACE_WORKERS", "1")
    os.environ.setdefault("STORYTRACE_THREADS", "1")
