"""Shared fixtures: real files, real components. Paths to the example corpus and the shared datasets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Fixtures shared across modules are registered once here, so that session-scoped ones (one Chromium, one
# PostgreSQL server, one stored corpus) really are one per session.
pytest_plugins = ["browser_fixtures", "pg_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CORPUS = EXAMPLES / "harbour-fire"
DATA = Path(os.environ.get("STORYTRACE_DATA", ROOT.parent / "shared" / "data"))


def shared_data(name: str) -> Path:
    """A dataset under $STORYTRACE_DATA, or a skip that says plainly it is absent."""
    path = DATA / name
    if not path.exists():
        pytest.skip(f"shared dataset {name} not found at {path} (set STORYTRACE_DATA)")
    return path


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def corpus_dossier():
    """The example corpus analysed once per test session (the pipeline is deterministic, so tests can share it)."""
    from storytrace.pipeline import analyze

    return analyze([str(CORPUS)])


@pytest.fixture(scope="session")
def corpus_expected() -> dict:
    import json

    return json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def corpus_ids(corpus_dossier) -> dict[str, str]:
    """EXPECTED.json file name -> article id in the corpus dossier."""
    ids: dict[str, str] = {}
    for article in corpus_dossier.articles:
        for origin in article.origins:
            ids[Path(origin.split("#", 1)[0]).name] = article.id
    return ids


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say plainly which whole groups of tests were skipped, and why, so a green run is not mistaken for full."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    reasons: dict[str, int] = {}
    for report in skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    terminalreporter.write_sep("=", "skipped on this machine")
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{count:4d} skipped: {reason}")
