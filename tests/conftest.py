"""Shared fixtures: real files, real components. Paths to the example corpus and the shared datasets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
