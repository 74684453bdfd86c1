"""Crash safety and concurrent writers, for real: ``storytrace ingest`` processes killed with SIGKILL at seeded random
moments, and several ingests started at once on one database, on a SQLite file and on a throwaway PostgreSQL server
(pg_fixtures.py; skipped plainly without the binaries). The bench (bench/reliability_store.py) runs the same code
with more points and more writers."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import pg_fixtures
from storytrace.ingest import read_inputs
from storytrace.store import open_store
from storytrace.store.stress import (
    article_counter,
    ingest_and_kill,
    ingest_concurrently,
    overlapping_piles,
    write_articles,
)
from storytrace.store.verify import verify

pg_server = pg_fixtures.pg_server

# A few points only: the bench runs 30+. Each kill comes once k articles are committed (k = 0: once the store
# exists, so during reading and parsing; k = all: during the story update) plus a seeded random delay of up to
# KILL_DELAY_S, so the few points still cover every phase whatever the machine's speed. 20 articles are two
# parse batches (store.PARSE_BATCH = 16), so a kill can also fall between article commits.
KILL_SEED = 13
KILL_ARTICLES = 20
KILL_AFTER = {"sqlite": (0, 16, KILL_ARTICLES), "postgres": (16, KILL_ARTICLES)}
KILL_DELAY_S = 0.5
WRITERS = 4


def _database(backend: str, tmp_path: Path, request: pytest.FixtureRequest, name: str) -> str:
    if backend == "sqlite":
        return str(tmp_path / f"{name}.db")
    server: pg_fixtures.PgServer = request.getfixturevalue("pg_server")
    return server.new_database()


def _reference(inputs: list[str], tmp_path: Path) -> set[frozenset[str]]:
    """The stories one uninterrupted ingest makes of these inputs (membership; ids depend on history)."""
    db = tmp_path / "reference.db"
    with open_store(db) as store:
        store.ingest(inputs)
    check = verify(db)
    assert check.problems == []
    return check.partition


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_kill_9_during_ingest_loses_nothing(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    inputs = [str(p) for p in write_articles(tmp_path / "news", KILL_ARTICLES, "kill")]
    expected = _reference(inputs, tmp_path)
    expected_ids = set().union(*expected)
    rng = random.Random(KILL_SEED)
    for point, k in enumerate(KILL_AFTER[backend]):
        db = _database(backend, tmp_path, request, f"killed{point}")
        count = article_counter(db)
        run = ingest_and_kill(inputs, db, rng.uniform(0, KILL_DELAY_S), when=lambda k=k, c=count: c() >= k)
        # what the kill left: a sound database, every committed article whole and once
        assert run.check.problems == [], (run.after_s, run.check.problems)
        assert run.check.integrity in ("ok", "n/a")
        committed = set(run.check.articles)
        assert len(committed) >= k  # the kill came after the k-th commit, as planned
        # the next ingest completes the job: nothing committed is lost, nothing doubled, stories as if never killed
        with open_store(db) as store:
            store.ingest(inputs)
        after = verify(db)
        assert after.problems == [], (run.after_s, after.problems)
        assert committed <= set(after.articles)
        assert set(after.articles) == expected_ids
        assert after.partition == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_ingests_lose_and_duplicate_nothing(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    shared = [str(p) for p in write_articles(tmp_path / "shared", 6, "shared")]
    own = [[str(p) for p in write_articles(tmp_path / f"own{k}", 2, f"own{k}")] for k in range(WRITERS)]
    piles = overlapping_piles(shared, own, width=3)
    everything = sorted({p for pile in piles for p in pile})
    expected = _reference(everything, tmp_path)
    articles, _ = read_inputs(everything)
    expected_origins = {o for a in articles for o in (a.origins or [a.origin])}

    db = _database(backend, tmp_path, request, "shared")
    run = ingest_concurrently(piles, db)
    assert run.forbidden == [], run.forbidden
    assert run.returncodes == [0] * WRITERS, run.outputs
    check = verify(db)
    assert check.problems == []
    assert set(check.articles) == set().union(*expected)  # nothing lost
    assert check.duplicated == []  # nothing stored twice
    assert check.partition == expected  # stories as one ingest of everything makes them
    with open_store(db) as store:
        stored_origins = {o for aid in check.articles for o in store.get_article(aid).origins}
    assert stored_origins == expected_origins  # every file that named an article is remembered
