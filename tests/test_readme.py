"""The README quotes the committed benchmark figures exactly (regenerate with bench/results_table.py --write)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_readme_results_table_matches_bench_results() -> None:
    table = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "results_table.py")], capture_output=True, text=True, check=True
    ).stdout.strip()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table in readme, "README results table is stale: run .venv/bin/python bench/results_table.py --write"


def test_quickstart_is_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quickstart", 1)[1].split("```", 2)[1]
    assert [line for line in quick.strip().splitlines() if line.strip()] == ["make demo", "make test"]


def test_every_cli_command_is_documented() -> None:
    from storytrace.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        assert f"storytrace {name}" in readme, f"README does not document `storytrace {name}`"
