"""The store, for real: a SQLite file under tmp_path and a PostgreSQL server started for the session (each test runs
on both; see pg_fixtures.py). No mocks: failures are real database failures raised by a trigger."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

import pg_fixtures
from storytrace.dossier import dossier_json, validate
from storytrace.errors import StoreError
from storytrace.ingest import read_inputs
from storytrace.pipeline import analyze_articles
from storytrace.store import UnknownId, open_store

# the fixtures, by assignment so that test parameters of the same name do not read as redefinitions

FIRE_1 = """Fire guts warehouse at Valmora harbour

A fire destroyed a grain warehouse at Valmora harbour on Monday night, the port authority said.
Firefighters fought the blaze for six hours before bringing it under control.
Two dock workers were treated for smoke inhalation and released from hospital on Tuesday.
Port director Elena Markovic said the cause of the fire was not yet known.
"""
FIRE_2 = """Blaze at Valmora port: two workers hurt

Two workers needed hospital treatment after a fire swept through a grain store at the port of Valmora.
The fire started late on Monday and took firefighters six hours to contain, according to the port authority.
Elena Markovic, the port director, said investigators would examine the building on Wednesday.
Shipping traffic resumed on Tuesday morning.
"""
FARES_1 = """Brentwick council votes to raise bus fares

Brentwick city council voted on Thursday to raise bus fares by 12 percent from March.
Councillors approved the increase by 23 votes to 17 after a three-hour debate.
Transport chief Oliver Hale said the money would pay for new electric buses.
Passenger groups said the rise would hurt low-income commuters.
"""
FARES_2 = """Bus fares in Brentwick to rise 12%

Bus passengers in Brentwick will pay 12 percent more from March after the city council backed the plan on Thursday.
The vote was 23 to 17.
Oliver Hale, who leads the council's transport committee, said electric buses would be bought with the extra income.
A commuters' association criticised the decision.
"""


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture()
def news(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "news"
    folder.mkdir()
    return {
        name: write(folder, f"{name}.txt", body)
        for name, body in (("fire1", FIRE_1), ("fire2", FIRE_2), ("fares1", FARES_1), ("fares2", FARES_2))
    }


def integrity(store) -> dict[str, int]:
    """Row counts; every stored article must have its facts and its vectors (no half-written article)."""
    counts = store.counts()
    assert counts["articles"] == counts["article_facts"] == counts["article_vectors"]
    with store.engine.connect() as conn:
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_facts f WHERE f.article_id = a.id)"
                " OR NOT EXISTS (SELECT 1 FROM article_vectors v WHERE v.article_id = a.id)"
            )
        ).scalar()
    assert orphans == 0
    return counts


def memberships(store) -> dict[str, frozenset[str]]:
    return {s.id: frozenset(store.get_story(s.id).articles) for s in store.list_stories()}


@pytest.fixture(scope="module")
def corpus_batch() -> tuple[list[str], list, list, list]:
    """The example corpus read and analysed once by the batch pipeline (what `storytrace analyze` does)."""
    files = pg_fixtures.corpus_files()
    articles, skipped = read_inputs(files)
    return files, articles, skipped, analyze_articles(sorted(articles, key=lambda a: a.id))


def test_example_corpus_matches_the_batch_pipeline(store_url: str, corpus_batch, corpus_db: Path) -> None:
    files, articles, skipped, batch = corpus_batch
    if "://" not in store_url:
        # SQLite: start from the session's corpus database (built by the same ingest), to spend the parse once;
        # ingesting again must then find every article already stored
        shutil.copy(corpus_db, store_url)
    with open_store(store_url) as store:
        report = store.ingest(files)
        assert sorted(report.added + report.unchanged) == sorted(a.id for a in articles)
        assert [s.origin for s in report.skipped] == [s.origin for s in skipped]
        integrity(store)
        # The store analyses from its cached facts and vectors; the result must equal the batch run.
        stored = store.dossier()
        assert sorted(s.to_dict().__repr__() for s in stored.stories) == sorted(s.to_dict().__repr__() for s in batch)
        data = json.loads(dossier_json(stored))
        validate(data)
        assert {a["id"] for a in data["articles"]} == {a.id for a in articles}
        for s in store.list_stories():
            one = store.dossier(s.id)
            validate(json.loads(dossier_json(one)))
            assert {a.id for a in one.articles} == set(one.stories[0].articles)
            assert s.n_articles == len(one.stories[0].articles)
            assert s.n_groups == len(one.stories[0].groups)


def test_same_article_twice_is_stored_once(store_url: str, news: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "fire1-copy.txt"
    copy.parent.mkdir()
    shutil.copy(news["fire1"], copy)
    with open_store(store_url) as store:
        first = store.ingest([news["fire1"]])
        assert len(first.added) == 1
        again = store.ingest([news["fire1"]])
        assert again.added == [] and again.unchanged == first.added and again.merged == []
        other = store.ingest([copy])
        assert other.added == [] and other.merged == first.added
        assert integrity(store)["articles"] == 1
        article = store.get_article(first.added[0])
        assert article.origins == [str(news["fire1"]), str(copy)]
        store.ingest([copy, news["fire1"]])  # neither origin is appended twice
        assert store.get_article(first.added[0]).origins == [str(news["fire1"]), str(copy)]


def test_the_same_text_twice_in_one_batch_is_one_article(store_url: str, news: dict[str, Path], tmp_path: Path) -> None:
    twin = write(tmp_path, "twin.txt", FIRE_2)
    with open_store(store_url) as store:
        report = store.ingest([news["fire2"], twin])
        assert len(report.added) == 1
        assert integrity(store)["articles"] == 1
        assert sorted(store.get_article(report.added[0]).origins) == sorted([str(news["fire2"]), str(twin)])


def _install_failing_trigger(store, dialect: str) -> None:
    """A real database failure inside the second article's transaction: inserting its vectors (after its article
    and facts rows) raises, as a full disk or a lost connection would."""
    with store.engine.begin() as conn:
        if dialect == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER fail_second BEFORE INSERT ON article_vectors "
                    "WHEN (SELECT count(*) FROM article_vectors) >= 1 "
                    "BEGIN SELECT RAISE(ABORT, 'simulated disk full'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION fail_second() RETURNS trigger AS $$ BEGIN "
                    "IF (SELECT count(*) FROM article_vectors) >= 1 THEN RAISE EXCEPTION 'simulated disk full'; "
                    "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER fail_second BEFORE INSERT ON article_vectors "
                    "FOR EACH ROW EXECUTE FUNCTION fail_second()"
                )
            )


def _drop_failing_trigger(store, dialect: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER fail_second" + ("" if dialect == "sqlite" else " ON article_vectors")))


def test_interrupted_ingest_keeps_what_was_committed(store_url: str, news: dict[str, Path]) -> None:
    paths = [news["fire1"], news["fares1"], news["fire2"]]
    with open_store(store_url) as store:
        dialect = store.engine.dialect.name
        _install_failing_trigger(store, dialect)
        with pytest.raises(StoreError, match="simulated disk full"):
            store.ingest(paths)
        counts = integrity(store)
        # The first article is complete; the second left nothing behind (not its row, not its facts)
        assert counts["articles"] == 1
        first_id = store.article_ids()[0]
        assert store.get_article(first_id).text.strip()
        assert store.get_facts(first_id).article == first_id
        _drop_failing_trigger(store, dialect)
        report = store.ingest(paths)  # resuming: the stored one is recognised, the rest are added
        assert report.unchanged == [first_id]
        assert len(report.added) == 2
        counts = integrity(store)
        assert counts["articles"] == 3
        assert sum(s.n_articles for s in store.list_stories()) == 3


def test_a_bad_file_in_the_middle_is_skipped_and_the_rest_stored(
    store_url: str, news: dict[str, Path], tmp_path: Path
) -> None:
    empty = write(tmp_path / "news", "empty.txt", "")
    with open_store(store_url) as store:
        report = store.ingest([news["fire1"], empty, news["fire2"]])
        assert len(report.added) == 2
        assert [s.origin for s in report.skipped] == [str(empty)]
        assert integrity(store)["articles"] == 2


@pytest.mark.parametrize("order", ["fire first", "fares first"])
def test_story_ids_stay_stable_as_articles_arrive(store_url: str, news: dict[str, Path], order: str) -> None:
    batches = [[news["fire1"], news["fares1"]], [news["fire2"], news["fares2"]]]
    if order == "fares first":
        batches = [[news["fares2"], news["fire2"]], [news["fares1"], news["fire1"]]]
    with open_store(store_url) as store:
        store.ingest(batches[0])
        before = memberships(store)
        assert before
        report = store.ingest(batches[1])
        after = memberships(store)
        # every article of the first batch is still in a story with the same id as before
        for sid, members in before.items():
            holders = [aid for aid, m in after.items() if members & m]
            assert sid in after, f"story {sid} lost its id"
            assert members <= after[sid] or len(holders) > 1
        assert sum(len(m) for m in after.values()) == 4
        assert set(report.stories_removed) <= set(before) - set(after)
        # nothing new: no story is analysed again, and ids do not move
        unchanged = store.ingest(batches[0] + batches[1])
        assert unchanged.stories_changed == [] and unchanged.stories_removed == []
        assert memberships(store) == after


def test_stories_are_reanalysed_only_when_their_membership_changes(store_url: str, news: dict[str, Path]) -> None:
    with open_store(store_url) as store:
        store.ingest([news["fire1"], news["fares1"]])
        stamps = {s.id: s.updated_at for s in store.list_stories()}
        report = store.ingest([news["fire1"]])
        assert report.stories_changed == []
        assert {s.id: s.updated_at for s in store.list_stories()} == stamps


def test_reading_stories(store_url: str, news: dict[str, Path]) -> None:
    with open_store(store_url) as store:
        store.ingest(list(news.values()))
        rows = store.list_stories()
        assert rows and sum(r.n_articles for r in rows) == 4
        assert [r.n_articles for r in rows] == sorted((r.n_articles for r in rows), reverse=True)
        for sort in ("recent", "contested"):
            assert {r.id for r in store.list_stories(sort=sort)} == {r.id for r in rows}
        contested = store.list_stories(sort="contested")
        assert [r.n_contested for r in contested] == sorted((r.n_contested for r in contested), reverse=True)
        # search is case-insensitive and looks into the articles, not only the headline
        hits = store.list_stories(search="BRENTWICK")
        assert hits and all(
            any("brentwick" in store.get_article(a).text.lower() for a in store.get_story(h.id).articles) for h in hits
        )
        assert store.list_stories(search="no such word anywhere 42%_") == []
        with pytest.raises(UnknownId):
            store.get_story("s-doesnotexist")
        with pytest.raises(UnknownId):
            store.get_article("0000")
        with pytest.raises(StoreError, match="unknown sort"):
            store.list_stories(sort="alphabetical")


def test_reopening_keeps_everything(store_url: str, news: dict[str, Path]) -> None:
    with open_store(store_url) as store:
        store.ingest([news["fire1"], news["fares1"]])
        before = memberships(store)
        dossier = dossier_json(store.dossier())
    with open_store(store_url) as store:
        assert memberships(store) == before
        assert dossier_json(store.dossier()) == dossier
