"""Drive real ``storytrace ingest`` processes against a store: killed with SIGKILL at chosen moments, or many at
once. The crash-safety tests (tests/test_crash_safety.py) and bench/reliability_store.py share this code, so the
figures and the tests measure the same thing.

Nothing here mocks the store: each run is ``python -m storytrace ingest ... --db URL`` in its own process, and the
results are read back with :func:`storytrace.store.verify.verify`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from storytrace.store import database_url
from storytrace.store.verify import StoreCheck, verify

# Words that a user must never see from a concurrent ingest (SQLite's busy error, a Python traceback).
FORBIDDEN_OUTPUT = ("database is locked", "database table is locked", "Traceback", "IntegrityError")

# Three made-up events, so that generated piles hold several stories; {n} and {tag} make every article's text
# unique (its id is a hash of the text) while it stays about its event.
_TEMPLATES = (
    "Fire guts warehouse {n} at Valmora harbour\n\n"
    "A fire destroyed grain warehouse {n} at Valmora harbour on Monday night, the port authority said.\n"
    "Firefighters fought the blaze for six hours before bringing it under control, report {tag}-{n} said.\n"
    "Two dock workers were treated for smoke inhalation and released from hospital on Tuesday.\n"
    'Port director Elena Markovic said: "The cause of the fire is not yet known."\n',
    "Brentwick council votes to raise bus fares, item {n}\n\n"
    "Brentwick city council voted on Thursday to raise bus fares by 12 percent from March.\n"
    "Councillors approved the increase by 23 votes to 17 after a three-hour debate, bulletin {tag}-{n} said.\n"
    'Transport chief Oliver Hale said: "The money will pay for new electric buses."\n'
    "Passenger groups said the rise would hurt low-income commuters.\n",
    "Storm closes Kessingby ferry route, notice {n}\n\n"
    "The ferry between Kessingby and Halvik was cancelled on Friday as gales reached 90 kilometres an hour.\n"
    "About 400 passengers were moved to later sailings, the operator said in update {tag}-{n}.\n"
    'Captain Mara Lind said: "We will sail again when the wind drops below 60 kilometres an hour."\n'
    "The coastguard warned fishing boats to stay in port until Sunday.\n",
)


def write_articles(folder: Path, count: int, tag: str) -> list[Path]:
    """``count`` small plain-text articles spread over three events; ``tag`` keeps different piles disjoint."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"{tag}-{n:03d}.txt"
        path.write_text(_TEMPLATES[n % len(_TEMPLATES)].format(n=n, tag=tag), encoding="utf-8")
        paths.append(path)
    return paths


def ingest_command(inputs: list[str], db: str) -> list[str]:
    return [sys.executable, "-m", "storytrace", "ingest", *inputs, "--db", db, "--quiet"]


@dataclass
class KillRun:
    """One ingest killed with SIGKILL after ``after_s`` seconds, and the store as it was left."""

    after_s: float  # seconds from the start to the kill
    finished_first: bool  # the ingest ended before the kill came
    check: StoreCheck


def ingest_and_kill(
    inputs: list[str], db: str, after_s: float, when: Callable[[], bool] | None = None, poll_s: float = 0.02
) -> KillRun:
    """Start ``storytrace ingest``, SIGKILL it (no handler can run, no cleanup happens) ``after_s`` seconds after
    the start, or, given ``when``, ``after_s`` seconds after ``when()`` first holds (polled every ``poll_s``: "once
    k articles are committed" puts kills in every phase however long the imports take). Then check the store it
    left (``finished=False``: stories may lag the articles until the next ingest)."""
    proc = subprocess.Popen(
        ingest_command(inputs, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    start = time.monotonic()
    try:
        if when is not None:
            while proc.poll() is None and not _holds(when):
                time.sleep(poll_s)
        proc.wait(after_s)
        finished = True
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        finished = False
    return KillRun(time.monotonic() - start, finished, verify(db, finished=False))


def _holds(when: Callable[[], bool]) -> bool:
    try:
        return when()
    except Exception:  # the database may not exist yet, or be mid-creation: not yet
        return False


def article_counter(db: str) -> Callable[[], int]:
    """A function that says how many articles the store holds now, by a read-only query that neither creates the
    database nor takes its write lock (open_store would do both), so polling it does not change what is tested."""
    url = database_url(db)
    if url.startswith("sqlite:"):
        url = f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    engine = create_engine(url, poolclass=NullPool)

    def count() -> int:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM articles")).scalar() or 0)

    return count


@dataclass
class ConcurrentRun:
    """N ingests started together on one store."""

    returncodes: list[int]
    outputs: list[str]  # each process's stdout and stderr
    seconds: float
    forbidden: list[str] = field(default_factory=list)  # output lines a user must never see


def ingest_concurrently(piles: list[list[str]], db: str, timeout_s: float = 600) -> ConcurrentRun:
    """One ``storytrace ingest`` process per pile, all started at once on the same database; waits for all."""
    start = time.monotonic()
    procs = [
        subprocess.Popen(ingest_command(pile, db), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for pile in piles
    ]
    outputs = []
    try:
        for p in procs:
            out, _ = p.communicate(timeout=max(1.0, timeout_s - (time.monotonic() - start)))
            outputs.append(out)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    forbidden = [line for out in outputs for line in out.splitlines() if any(w in line for w in FORBIDDEN_OUTPUT)]
    return ConcurrentRun([p.returncode for p in procs], outputs, time.monotonic() - start, forbidden)


def overlapping_piles(shared: list[str], own: list[list[str]], width: int) -> list[list[str]]:
    """Pile k: ``width`` consecutive files of ``shared`` starting at k (wrapping, so neighbours overlap and together
    they cover all of it) plus its own disjoint files ``own[k]``."""
    n = len(shared)
    return [[shared[(k + i) % n] for i in range(min(width, n))] + own[k] for k in range(len(own))]
