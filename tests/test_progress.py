"""Progress people can read: plain lines when stderr is not a terminal (issue 10, part 4)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from storytrace.progress import PlainProgress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_start_periodic_and_end_with_rate() -> None:
    out, clock = io.StringIO(), Clock()
    report = PlainProgress(out, every_s=10, clock=clock)
    report("parse", 0, 100)
    clock.now = 4
    report("parse", 40, 100)  # under 10 s since the last line: quiet
    clock.now = 11
    report("parse", 50, 100)
    clock.now = 20
    report("parse", 100, 100)
    report("parse", 100, 100)  # a repeated end is not a second line
    lines = out.getvalue().splitlines()
    assert lines == [
        "storytrace: parse: started, 100 articles",
        "storytrace: parse: 50/100 articles, 4.5/s, about 11 s left",
        "storytrace: parse: done, 100 articles in 20.0 s (5.0/s)",
    ]


@given(st.lists(st.tuples(st.sampled_from(["parse", "embed", "stories"]), st.integers(0, 50)), max_size=40))
def test_every_stage_started_once_and_ended_at_most_once(events: list[tuple[str, int]]) -> None:
    out, clock = io.StringIO(), Clock()
    report = PlainProgress(out, every_s=0, clock=clock)
    for n, (stage, done) in enumerate(events):
        clock.now = n + 1.0
        report(stage, min(done, 50), 50)
    lines = out.getvalue().splitlines()
    for stage in {s for s, _ in events}:
        assert sum(line.startswith(f"storytrace: {stage}: started") for line in lines) == 1
        assert sum(line.startswith(f"storytrace: {stage}: done") for line in lines) <= 1


def test_cli_prints_a_line_per_stage_when_stderr_is_a_pipe(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Council approves new bridge\n\nThe city council approved a new bridge over the river on Monday, "
        "the mayor said. Work starts in May and will cost 12 million euros.\n",
        encoding="utf-8",
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "storytrace", "analyze", str(tmp_path / "a.txt")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for stage in ("parse", "embed", "stories"):
        assert f"storytrace: {stage}: started" in done.stderr
        assert f"storytrace: {stage}: done" in done.stderr
    quiet = subprocess.run(
        [sys.executable, "-m", "storytrace", "analyze", "--quiet", str(tmp_path / "a.txt")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert "storytrace: parse" not in quiet.stderr
