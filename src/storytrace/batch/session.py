"""The Ray session a batch runs in: the caller's, a cluster's (``address``), or a local one started for the run."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from storytrace.errors import MissingExtra, UsageError


def import_ray() -> Any:
    """``ray`` with Ray Data, or ``MissingExtra`` naming the extra to install."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise MissingExtra("Ray", "ray") from exc
    return ray


@contextmanager
def ray_session(
    num_cpus: int | None = None, address: str | None = None, object_store_memory: int | None = None
) -> Iterator[Any]:
    """Use the running Ray session; else connect to ``address`` (a cluster: ``ray://head:10001``, or ``auto``) or
    to ``$RAY_ADDRESS``; else start a local one with ``num_cpus`` (all cores when None) for the duration, and shut
    down what was started.

    A local session gets a short temporary directory (Ray's unix sockets need paths under 108 bytes), no dashboard
    and no worker logs on the driver's terminal; Ray Data's progress bars and INFO lines are off (storytrace reports
    its own progress).
    """
    ray = import_ray()
    started = not ray.is_initialized()
    # inside a Ray job (KubeRay's RayJob, `ray job submit`) RAY_ADDRESS names the cluster the job runs on
    address = address or os.environ.get("RAY_ADDRESS") or None
    temp_dir = None
    # Ray 2.60 announces at start-up that token authentication is on (it is, by default); not our user's business
    auth_log = logging.getLogger("ray._private.authentication")
    auth_level = auth_log.level
    auth_log.setLevel(logging.ERROR)
    try:
        if started and address:
            try:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                reason = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:200]
                raise UsageError(f"cannot join the Ray cluster at {address}: {reason}") from exc
        elif started:
            temp_dir = tempfile.mkdtemp(prefix="st-ray-", dir="/tmp")
            ray.init(
                num_cpus=num_cpus,
                object_store_memory=object_store_memory,
                include_dashboard=False,
                log_to_driver=False,
                _temp_dir=temp_dir,
                configure_logging=False,
            )
    finally:
        auth_log.setLevel(auth_level)
    data_log = logging.getLogger("ray.data")
    level = data_log.level
    data_log.setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    bars = context.enable_progress_bars
    context.enable_progress_bars = False
    try:
        yield ray
    finally:
        data_log.setLevel(level)
        context.enable_progress_bars = bars
        if started:
            ray.shutdown()
            if temp_dir:
                shutil.rmtree(temp_dir, ignore_errors=True)
