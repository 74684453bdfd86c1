"""The store's command line (ingest, stories, show), how databases are named, and the story-id carry-over rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.dossier import validate
from storytrace.errors import StoreError, UsageError
from storytrace.records import StoryGroup
from storytrace.store import database_url, open_store
from storytrace.stories import stable_ids

ARTICLE = """Fire guts warehouse at Valmora harbour

A fire destroyed a grain warehouse at Valmora harbour on Monday night, the port authority said.
Firefighters fought the blaze for six hours before bringing it under control.
Port director Elena Markovic said the cause of the fire was not yet known.
"""

runner = CliRunner()


def test_ingest_stories_show(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "fire.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    db = str(tmp_path / "news.db")
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", db])
    assert result.exit_code == 1, result.output  # one file skipped
    assert f"skipped {tmp_path / 'in' / 'empty.txt'}" in result.output
    assert "1 new article," in result.output

    quiet = runner.invoke(app, ["ingest", str(tmp_path / "in" / "fire.txt"), "--db", db, "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""

    listing = runner.invoke(app, ["stories", "--db", db, "--all"])  # --all: a one-article story is hidden otherwise
    assert listing.exit_code == 0, listing.output
    with open_store(db) as store:
        (story,) = store.list_stories()
    assert story.id in listing.output and "1 story" in listing.output

    shown = runner.invoke(app, ["show", story.id, "--db", db, "--json"])
    assert shown.exit_code == 0
    data = json.loads(shown.output)
    validate(data)
    assert [s["id"] for s in data["stories"]] == [story.id]

    md = runner.invoke(app, ["show", story.id, "--db", db, "--md"])
    assert md.exit_code == 0 and md.output.startswith("#")

    plain = runner.invoke(app, ["show", story.id, "--db", db])
    assert plain.exit_code == 0 and "1 article, 1 story" in plain.output

    missing = runner.invoke(app, ["show", "s-nope", "--db", db])
    assert missing.exit_code == 2 and "no story with id 's-nope'" in missing.output


def test_reading_commands_do_not_create_a_database(tmp_path: Path) -> None:
    db = tmp_path / "absent.db"
    result = runner.invoke(app, ["stories", "--db", str(db)])
    assert result.exit_code == 2 and "no database at" in result.output
    assert not db.exists()


def test_ingest_of_a_missing_file_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.txt"
    result = runner.invoke(app, ["ingest", str(missing), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and f"skipped {missing}" in result.output
    with open_store(tmp_path / "x.db") as store:
        assert store.counts()["articles"] == 0


def test_database_names(tmp_path: Path) -> None:
    assert database_url("postgresql://u@h:5/db") == "postgresql+psycopg://u@h:5/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert database_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    with pytest.raises(UsageError, match="unsupported database URL"):
        database_url("mysql://u@h/db")
    with pytest.raises(StoreError, match="does not exist"):
        database_url(tmp_path / "no" / "such" / "folder.db")


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="cannot open the database"):
        open_store(path)
    assert path.read_text().startswith("these are my notes")


def test_a_store_from_another_schema_version_is_refused(tmp_path: Path) -> None:
    from sqlalchemy import update

    from storytrace.store import tables

    path = tmp_path / "old.db"
    with open_store(path) as store, store.engine.begin() as conn:
        conn.execute(update(tables.meta).where(tables.meta.c.key == "schema_version").values(value="0"))
    with pytest.raises(StoreError, match="schema version 0"):
        open_store(path)


# -- the carry-over rule of story ids the store relies on (storytrace.stories.stable_ids) -----------------------------------------------------------------------------------

article_ids = st.lists(st.sampled_from([f"a{i}" for i in range(12)]), min_size=1, max_size=12, unique=True)


def partition(ids: list[str], cuts: list[int], prefix: str) -> list[StoryGroup]:
    groups: list[list[str]] = [[]]
    for n, a in enumerate(ids):
        if n and n in cuts:
            groups.append([])
        groups[-1].append(a)
    return [StoryGroup(id=f"{prefix}{n}", headline="", articles=g) for n, g in enumerate(groups)]


@settings(max_examples=200, deadline=None)
@given(old=article_ids, new=article_ids, old_cuts=st.lists(st.integers(0, 11)), new_cuts=st.lists(st.integers(0, 11)))
def test_carried_ids_are_unique_and_follow_the_largest_overlap(old, new, old_cuts, new_cuts) -> None:
    previous = partition(old, old_cuts, "p")
    fresh = partition(new, new_cuts, "p")  # same prefix on purpose: fresh ids may collide with previous ones
    out = stable_ids(fresh, previous)
    assert [g.articles for g in out] == [g.articles for g in fresh]
    ids = [g.id for g in out]
    assert len(set(ids)) == len(ids)
    prev_ids = {g.id: set(g.articles) for g in previous}
    for g in out:
        if g.id in prev_ids:  # an inherited id always comes from a story it shares articles with
            assert prev_ids[g.id] & set(g.articles)


@settings(max_examples=200, deadline=None)
@given(old=article_ids, extra=article_ids, cuts=st.lists(st.integers(0, 11)))
def test_a_story_that_only_grows_keeps_its_id(old, extra, cuts) -> None:
    previous = partition(old, cuts, "p")
    grown = [StoryGroup(id=f"n{n}", headline="", articles=list(g.articles)) for n, g in enumerate(previous)]
    newcomers = [a for a in extra if a not in old]
    if newcomers:
        grown[0].articles += newcomers
    out = stable_ids(grown, previous)
    assert [g.id for g in out] == [g.id for g in previous]
