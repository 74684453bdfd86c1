"""A store that grows: new articles are attached to stored stories through the story index, stored stories stay
whole, and only the stories that gain or merge members are analysed again. Real SQLite files and a real PostgreSQL
server (pg_fixtures), real parsing and embedding; an ECB+ sample from the shared data for unrelated articles."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from conftest import ROOT, shared_data
from storytrace.ingest import read_inputs
from storytrace.options import Options
from storytrace.records import Article, StoryGroup
from storytrace.store import open_store
from storytrace.store.store import analysis_fingerprint
from storytrace.stories.grow import keep_stories

QUAY_1 = """Crane collapses at Orlin quay

A container crane collapsed at Orlin quay on Sunday afternoon, the harbour master said.
Nobody was under the crane when its boom folded onto an empty berth.
Harbour master Tomas Vidal said all loading at the quay was halted while engineers checked the other cranes.
The crane had passed an inspection in April, according to the operator.
"""
QUAY_2 = """Orlin quay shut after crane falls

Loading stopped at Orlin quay after a container crane collapsed on Sunday, harbour master Tomas Vidal said.
The crane's boom came down on an empty berth and no one was hurt.
Engineers were checking the remaining cranes before work could resume, Vidal said.
The operator said the crane was inspected in April.
"""
LIBRARY_1 = """Sanbury library to open on Sundays

Sanbury's central library will open on Sundays from next month, the town council said on Wednesday.
Librarian Grace Okafor said volunteers would help staff the extra day.
The council set aside money for heating and security on Sunday afternoons.
"""
LIBRARY_2 = """Sunday opening for Sanbury library

The central library in Sanbury is to open on Sundays starting next month, councillors announced on Wednesday.
Head librarian Grace Okafor said a team of volunteers would support the staff.
Funding for heating and security on Sundays was approved by the council.
"""
CHESS = """Junior chess title goes to Maple Street school

Pupils from Maple Street school won the regional junior chess championship on Saturday.
The team of four beat six other schools over nine rounds in the town hall.
Their coach, a retired maths teacher, said the pupils had practised every lunchtime since September.
"""


def write(folder: Path, name: str, body: str) -> str:
    path = folder / f"{name}.txt"
    path.write_text(body, encoding="utf-8")
    return str(path)


@pytest.fixture()
def news(tmp_path: Path) -> dict[str, Article]:
    folder = tmp_path / "news"
    folder.mkdir()
    bodies = {"quay1": QUAY_1, "quay2": QUAY_2, "library1": LIBRARY_1, "library2": LIBRARY_2, "chess": CHESS}
    articles, skipped = read_inputs([write(folder, k, v) for k, v in bodies.items()])
    assert not skipped
    by_name = {Path(a.origin).stem: a for a in articles}
    return {k: by_name[k] for k in bodies}


def stories(store) -> dict[str, frozenset[str]]:
    return {s.id: frozenset(store.get_story(s.id).articles) for s in store.list_stories()}


def updated(store) -> dict[str, str]:
    return {s.id: s.updated_at for s in store.list_stories()}


def story_of(store, article: Article) -> str:
    (sid,) = store.stories_of_article(article.id)
    return sid


def test_a_new_article_is_attached_through_the_index(store_url: str, news: dict[str, Article]) -> None:
    options = Options()
    with open_store(store_url) as store:
        store.ingest([news["quay1"], news["library1"], news["library2"]], options)
        library = story_of(store, news["library1"])
        before = updated(store)
        store.add_articles([news["quay2"]], options)
        # what the story update reads: the new article and the stories the index finds for it, nothing else
        snap = store._grow_snapshot(analysis_fingerprint(options), options)
        assert snap is not None
        assert {a.id for a in snap.articles} == {news["quay1"].id, news["quay2"].id}
        quay = story_of(store, news["quay1"])
        changed, removed = store.update_stories(options, regroup=False)
        assert (changed, removed) == ([quay], [])
        assert stories(store)[quay] == {news["quay1"].id, news["quay2"].id}
        # the library story was not analysed again: its row was not rewritten
        assert updated(store)[library] == before[library]


def test_an_unrelated_article_never_moves_or_splits_a_story(store_url: str, news: dict[str, Article]) -> None:
    with open_store(store_url) as store:
        store.ingest([news["quay1"], news["quay2"], news["library1"], news["library2"]])
        before = stories(store)
        report = store.ingest([news["chess"]])
        after = stories(store)
        assert report.stories_removed == []
        assert {k: after[k] for k in before} == before  # same ids, same members
        assert report.stories_changed == [story_of(store, news["chess"])]
        assert after[story_of(store, news["chess"])] == {news["chess"].id}


def test_unrelated_ecb_topics_never_split_or_rename_a_stored_story(tmp_path: Path) -> None:
    """ECB+ topics 39, 40 and 43 stored and grouped; the articles of two other topics (other events) arrive."""
    shared_data("ecbplus")
    sys.path.insert(0, str(ROOT / "bench"))
    from store_growth import records
    from storydata import corpus

    ecb = corpus("ecb")
    topic = {a: m["topic"] for a, m in ecb.meta.items()}
    stored = [a for a in ecb.articles if topic[a.id] in ("39", "40", "43")]
    arriving = [a for a in ecb.articles if topic[a.id] in ("41", "42")]
    assert stored and arriving
    arts, facts, vectors = records(stored, ecb.facts, ecb.vectors)
    new, new_facts, new_vectors = records(arriving, ecb.facts, ecb.vectors)
    with open_store(tmp_path / "ecb.db") as store:
        store.add_parsed(arts, facts, vectors)
        store.update_stories()
        before = stories(store)
        store.add_parsed(new, new_facts, new_vectors)
        changed, removed = store.update_stories(regroup=False)
        after = stories(store)
    assert removed == []
    for sid, members in before.items():
        assert members <= after[sid], f"story {sid} lost articles"
    grown = [sid for sid in before if after[sid] != before[sid]]
    assert len(grown) <= 1, f"unrelated articles joined {len(grown)} stored stories"
    assert set(changed) >= set(after) - set(before)


def test_an_article_outside_the_horizon_starts_a_new_story(store_url: str, news: dict[str, Article]) -> None:
    options = Options()
    assert options.stories.horizon_days == 28
    first = dataclasses.replace(news["quay1"], published="2024-03-01")
    late = dataclasses.replace(news["quay2"], published="2024-05-15")  # 75 days on: a story of its own
    library = dataclasses.replace(news["library1"], published="2024-03-01")
    soon = dataclasses.replace(news["library2"], published="2024-03-03")  # two days on: the same story
    with open_store(store_url) as store:
        store.ingest([first, library], options)
        store.ingest([late, soon], options)
        assert story_of(store, first) != story_of(store, late)
        assert story_of(store, library) == story_of(store, soon)


def test_attaching_gives_the_stories_of_a_full_regroup(store_url: str, news: dict[str, Article]) -> None:
    with open_store(store_url) as store:
        for batch in (["quay1", "library1"], ["quay2"], ["library2", "chess"]):
            store.ingest([news[k] for k in batch])
        attached = stories(store)
        assert len(attached) == 3
        changed, removed = store.update_stories(regroup=True)
        assert (changed, removed) == ([], [])  # the full regroup finds the same stories, under the same ids
        assert stories(store) == attached


def test_a_store_without_an_index_is_regrouped_once_and_indexed(store_url: str, news: dict[str, Article]) -> None:
    with open_store(store_url) as store:
        store.ingest([news["quay1"], news["library1"]])
        with store.engine.begin() as conn:  # a store written before the index existed
            conn.execute(text("DELETE FROM article_keys"))
            conn.execute(text("DELETE FROM article_index"))
            conn.execute(text("DELETE FROM meta WHERE key = 'index'"))
        store.ingest([news["quay2"]])
        assert story_of(store, news["quay1"]) == story_of(store, news["quay2"])
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM article_index")).scalar() == 3
            assert conn.execute(text("SELECT count(*) FROM article_index WHERE pending")).scalar() == 0
        report = store.ingest([news["library2"]])
        assert report.stories_changed == [story_of(store, news["library1"])]


@st.composite
def regroupings(draw: st.DrawFn) -> tuple[list[list[int]], list[str], list[StoryGroup]]:
    n = draw(st.integers(1, 12))
    labels = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    groups = [[r for r in range(n) if labels[r] == k] for k in sorted(set(labels))]
    stored = draw(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=n, max_size=n))
    ids = [f"a{r:02d}" for r in range(n)]
    existing = [
        StoryGroup(id=f"s{k}", headline="", articles=[ids[r] for r in range(n) if stored[r] == k])
        for k in sorted({s for s in stored if s is not None})
    ]
    return groups, ids, existing


@settings(max_examples=300, deadline=None)
@given(regroupings())
def test_keep_stories_never_splits_a_stored_story(case: tuple[list[list[int]], list[str], list[StoryGroup]]) -> None:
    groups, ids, existing = case
    out = keep_stories(groups, ids, existing)
    rows = sorted(r for g in out for r in g)
    assert rows == list(range(len(ids)))  # a partition of the same rows
    where = {r: k for k, g in enumerate(out) for r in g}
    stored = {ids.index(a): s.id for s in existing for a in s.articles}
    for s in existing:
        assert len({where[ids.index(a)] for a in s.articles}) == 1  # whole
    regrouped = {r: k for k, g in enumerate(groups) for r in g}
    for g in out:
        held = {stored[r] for r in g if r in stored}
        new = [r for r in g if r not in stored]
        if not held:  # a new story: new articles the regrouping put together
            assert len({regrouped[r] for r in new}) == 1
        if len(held) > 1:  # stored stories merged only through a new article
            assert new


def test_ingest_regroup_regroups_every_stored_article(tmp_path: Path) -> None:
    """The horizon bounds what a new article can reach; ``--regroup`` regroups everything and ignores it."""
    import json

    from typer.testing import CliRunner

    from storytrace.cli import app

    def record(body: str, published: str) -> dict[str, str]:
        title, text = body.split("\n", 1)
        return {"title": title, "text": text.strip(), "published": published}

    first, late = tmp_path / "first.json", tmp_path / "late.json"
    first.write_text(json.dumps(record(QUAY_1, "2024-03-01")), encoding="utf-8")
    late.write_text(json.dumps(record(QUAY_2, "2024-05-15")), encoding="utf-8")
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    for path in (first, late):
        result = runner.invoke(app, ["ingest", str(path), "--db", db, "--quiet"])
        assert result.exit_code == 0, result.output
    with open_store(db) as store:
        assert len(store.list_stories()) == 2  # 75 days apart: past the horizon
    result = runner.invoke(app, ["ingest", str(late), "--db", db, "--regroup", "--quiet"])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        assert [s.n_articles for s in store.list_stories()] == [2]
