"""Progress people can read: per-stage bars with rate and ETA on a terminal, plain lines when stderr is a file or a
pipe (a CI log, ``nohup``, a cron mail), where a bar would be noise and silence looks like a hang.

The pipeline reports ``(stage, done, total)``; both reporters turn that into what a person reads. The plain one
writes a line when a stage starts, at most every ``every_s`` seconds while it runs, and when it ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

ProgressFn = Callable[[str, int, int], None]

# what each stage counts, for the plain lines ("parse: 200/1,000 articles, 11.3/s, about 71 s left")
UNITS = {"read": "inputs", "parse": "articles", "embed": "articles", "stories": "stories", "store": "articles"}


def _eta(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class PlainProgress:
    """One line per stage event on a text stream: start, every ``every_s`` seconds, end (with the stage's rate)."""

    def __init__(self, stream: IO[str], every_s: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.every_s = every_s
        self.clock = clock
        self.started: dict[str, float] = {}
        self.last_line: dict[str, float] = {}
        self.finished: set[str] = set()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        unit = UNITS.get(stage, "items")
        if stage not in self.started:
            self.started[stage] = now
            self.last_line[stage] = now
            self._line(f"{stage}: started, {total:,} {unit}")
            if done < total or total == 0:
                if total == 0:
                    self.finished.add(stage)
                return
        if stage in self.finished:
            return
        elapsed = now - self.started[stage]
        rate = done / elapsed if elapsed > 0 else 0.0
        if done >= total:
            self.finished.add(stage)
            self._line(f"{stage}: done, {done:,} {unit} in {elapsed:.1f} s ({rate:,.1f}/s)")
        elif now - self.last_line[stage] >= self.every_s:
            self.last_line[stage] = now
            left = f", about {_eta((total - done) / rate)} left" if rate > 0 else ""
            self._line(f"{stage}: {done:,}/{total:,} {unit}, {rate:,.1f}/s{left}")

    def _line(self, text: str) -> None:
        self.stream.write(f"storytrace: {text}\n")
        self.stream.flush()


@contextmanager
def progress_for(console: Console, enabled: bool = True) -> Iterator[ProgressFn]:
    """The reporter that suits ``console``: Rich bars with rate and ETA on a terminal, plain lines otherwise, nothing
    when ``enabled`` is false (``--quiet``)."""
    if not enabled:
        yield lambda stage, done, total: None
        return
    if not console.is_terminal:
        yield PlainProgress(console.file)
        return
    with Progress(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}
        started: dict[str, float] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, rate="")
                started[stage] = time.monotonic()
            elapsed = time.monotonic() - started[stage]
            rate = f"{done / elapsed:,.1f}/s" if elapsed > 0 and done else ""
            bar.update(tasks[stage], completed=done, total=total, rate=rate)

        yield report
