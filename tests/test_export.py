"""`storytrace export` and the store's flat tables, for real: stores built from small articles on a SQLite file and
on a throwaway PostgreSQL server (pg_fixtures.py), the files read back with the csv module, json and pyarrow, and the
database opened with sqlite-utils as a SQL tool would."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.errors import UsageError
from storytrace.ingest import read_inputs
from storytrace.options import Options
from storytrace.records import (
    ArticleFacts,
    ClaimMention,
    Conflict,
    ConflictSide,
    QuoteMatch,
    Reuse,
    ReuseEvidence,
    SourceCited,
    Story,
    StoryClaim,
    StoryQuote,
    Verdict,
    VerdictCounts,
)
from storytrace.store import database_url, open_store
from storytrace.store import tables as t
from storytrace.store.export import EXPORT_TABLES, columns, export_store, read_csv, table_rows, write_table
from storytrace.store.flat import check, cited_sources, clean, source_rows, story_rows
from storytrace.store.verify import verify

runner = CliRunner()

FIRE_1 = """Fire guts warehouse at Valmora harbour

A fire destroyed a grain warehouse at Valmora harbour on Monday night, the port authority said.
Firefighters fought the blaze for six hours before bringing it under control.
Two dock workers were treated for smoke inhalation and released from hospital on Tuesday.
"The cause of the fire is not yet known," port director Elena Markovic said.
"""
FIRE_2 = """Blaze at Valmora port: two workers hurt

Two workers needed hospital treatment after a fire swept through a grain store at the port of Valmora.
The fire started late on Monday and took firefighters six hours to contain, according to the port authority.
"The cause of the fire is not known yet," said Elena Markovic, the port director.
Shipping traffic resumed on Tuesday morning.
"""
FARES = """Brentwick council votes to raise bus fares

Brentwick city council voted on Thursday to raise bus fares by 12 percent from March.
Councillors approved the increase by 23 votes to 17 after a three-hour debate.
"""
# the columns that say when a row was written: equal between two stores only by chance
WHEN = {"added_at", "updated_at"}


@pytest.fixture()
def news(tmp_path: Path) -> list[str]:
    folder = tmp_path / "news"
    folder.mkdir()
    paths = []
    for name, body in (("fire1", FIRE_1), ("fire2", FIRE_2), ("fares", FARES)):
        (folder / f"{name}.txt").write_text(body, encoding="utf-8")
        paths.append(str(folder / f"{name}.txt"))
    return paths


def exported_rows(store) -> dict[str, list[dict]]:
    with store.engine.connect() as conn:
        return {name: list(table_rows(conn, name)) for name in EXPORT_TABLES}


def without_when(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in WHEN} for r in rows]


# -- the flat tables in the store ------------------------------------------------------------------------------------


def test_flat_tables_follow_the_stories_as_articles_arrive(store_url: str, news: list[str]) -> None:
    with open_store(store_url) as store:
        store.ingest([news[0], news[2]])
        with store.engine.connect() as conn:
            assert check(conn) == []
        first = {s.id for s in store.list_stories()}
        report = store.ingest([news[1]])  # joins the fire story: its rows must be replaced, not added to
        assert report.stories_changed
        with store.engine.connect() as conn:
            assert check(conn) == []
            n_claims = conn.execute(text("SELECT count(*) FROM claims")).scalar()
            groups = conn.execute(text("SELECT count(*) FROM story_articles WHERE source_group IS NULL")).scalar()
        assert n_claims == sum(len(store.get_story(s.id).claims) for s in store.list_stories())
        assert groups == 0  # every member is in one of its story's source groups
        rows = exported_rows(store)
        assert {r["id"] for r in rows["stories"]} >= first - set(report.stories_removed)
        stories = [store.get_story(s.id) for s in store.list_stories()]
        for table in t.STORY_TABLES:
            want = [row for s in stories for row in story_rows(s)[table.name]]
            assert sorted(map(repr, rows[table.name])) == sorted(map(repr, want)), table.name
    assert verify(store_url).problems == []


def test_every_kind_of_finding_round_trips_through_the_store(tmp_path: Path, news: list[str]) -> None:
    """A story with one of everything (verdicts, sources cited, sentence lists, missing sentences, empty texts),
    written by the store's own story transaction over a real story, then exported in every format and read back."""
    articles, _ = read_inputs(news[:2])
    a, b = sorted(articles, key=lambda x: x.id)
    a.sources_cited = [
        SourceCited(name="Valmora Port Authority", kind="agency", text="the port authority said", sentence=0)
    ]
    db = tmp_path / "store.db"
    with open_store(db) as store:
        store.ingest([a, b])
        (summary,) = store.list_stories()
        story = Story(
            id=summary.id,
            headline='Fire, "harbour",\nline two',
            articles=[a.id, b.id],
            reuse=[
                Reuse(
                    source=a.id,
                    derived=b.id,
                    kind="rewrite",
                    score=0.1 + 0.2,
                    reasons=["published earlier", 'a "quoted", reason'],
                    evidence=[
                        ReuseEvidence(from_sentence=[1, 2], to_sentence=0, similarity=0.93, match="paraphrase"),
                        ReuseEvidence(from_sentence=3, to_sentence=[2], similarity=1.0, match="verbatim"),
                    ],
                    common_source="Valmora Port Authority",
                    credited=False,
                )
            ],
            groups=[[a.id, b.id]],
            claims=[
                StoryClaim(
                    id=f"c{n}",
                    text=f"claim {n}, with a comma",
                    mentions=[ClaimMention(article=a.id, sentence=[1, 2], text="", claim=None, negated=True)],
                    independent_sources=1,
                    conflicts=["x1"] if n == 1 else [],
                    groups=[0],
                )
                for n in (1, 2, 10)
            ],
            quotes=[
                StoryQuote(
                    id="q1",
                    text="The cause of the fire is not yet known",
                    speaker=None,
                    cue="said",
                    article=a.id,
                    sentence=4,
                    fidelity="close",
                    matches=[QuoteMatch(article=b.id, text="The cause of the fire is not known yet", similarity=0.9)],
                    reason="",
                )
            ],
            conflicts=[
                Conflict(
                    id="x1",
                    kind="number",
                    severity="low",
                    claims=["c1"],
                    articles=[a.id, b.id],
                    explanation="six hours \u2028 or seven",
                    sides=[ConflictSide(article=a.id, sentence=2, text="six hours"), ConflictSide(b.id, [2, 3], "x")],
                )
            ],
            verdicts=[
                Verdict(article=a.id, verdict="original", summary="It reported first."),
                Verdict(
                    article=b.id,
                    verdict="rewrite",
                    source=a.id,
                    timing="follow-up",
                    padding=0.25,
                    counts=VerdictCounts(added=1, altered_quotes=0, unattested_quotes=2, conflicts=1),
                    credited=None,
                ),
            ],
        )
        snap = store._snapshot()
        fingerprint = snap.fingerprint or ""
        assert store._write(lambda conn: store._write_stories(conn, snap, [story], [], fingerprint, Options()))
        assert store.get_story(story.id) == story
        with store.engine.connect() as conn:
            assert check(conn) == []
            claim_order = [r["claim_id"] for r in table_rows(conn, "claims")]
        assert claim_order == ["c1", "c2", "c10"]  # the story's order, not the text order of the ids
        want = story_rows(story)
        for fmt in ("csv", "jsonl", "parquet"):
            out = tmp_path / fmt
            written = export_store(store, fmt, out)
            assert [w.table for w in written] == list(EXPORT_TABLES)
            assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.{fmt}" for n in EXPORT_TABLES)
            got = {name: read_back(out / f"{name}.{fmt}", name) for name in EXPORT_TABLES}
            for name, rows in want.items():
                assert got[name] == rows, (fmt, name)
            # the claims stage's sources cited when it found some, else the article's own (handed-in records)
            assert got["sources_cited"] == [
                row for x in (a, b) for row in source_rows(x.id, cited_sources(x, store.get_facts(x.id)))
            ]
            assert [r["source_group"] for r in got["story_articles"]] == [0, 0]
    assert cited_sources(a, ArticleFacts(article=a.id)) == a.sources_cited
    assert source_rows(a.id, a.sources_cited) == [
        {
            "article_id": a.id,
            "n": 0,
            "name": "Valmora Port Authority",
            "kind": "agency",
            "text": "the port authority said",
            "sentence": 0,
            "sentences": "[0]",
        }
    ]
    verdicts = want["verdicts"]
    assert verdicts[0]["source"] is None and verdicts[1]["credited"] is None and verdicts[1]["unattested_quotes"] == 2
    assert want["claim_mentions"][0]["text"] == "" and want["claim_mentions"][0]["sentences"] == "[1,2]"
    assert want["quotes"][0]["reason"] is None  # an empty text in a column that may be NULL is NULL
    assert want["quote_matches"][0]["sentence"] is None and want["quote_matches"][0]["sentences"] == "[]"
    assert want["reuse"][0]["verbatim_sentences"] == 1 and want["reuse"][0]["paraphrased_sentences"] == 1


def read_back(path: Path, table: str) -> list[dict]:
    if path.suffix == ".csv":
        return read_csv(path, table)
    if path.suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").split("\n")
        assert lines[-1] == ""
        return [json.loads(line) for line in lines[:-1]]
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


# -- upgrading a store of schema version 1 ---------------------------------------------------------------------------


def downgrade_to_version_1(url: str) -> None:
    """Make this store what storytrace with schema version 1 wrote: no flat tables, no source_group column."""
    with open_store(url) as store, store.engine.begin() as conn:
        for table in (*t.STORY_TABLES, t.sources_cited):
            conn.execute(text(f"DROP TABLE {table.name}"))
        conn.execute(text("ALTER TABLE story_articles DROP COLUMN source_group"))
        conn.execute(text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))


def old_content(url: str) -> dict[str, list]:
    """The tables of version 1, read without opening the store (which would upgrade it)."""
    engine = create_engine(database_url(url))
    with engine.connect() as conn:
        content = {
            name: [tuple(r) for r in conn.execute(text(f"SELECT {cols} FROM {name} ORDER BY 1, 2"))]
            for name, cols in (
                ("articles", "id, data, published, outlet, title, added_at"),
                ("article_facts", "article_id, data"),
                ("article_vectors", "article_id, dim, data"),
                (
                    "stories",
                    "id, headline, n_articles, n_groups, n_contested, latest_published, updated_at, members, dossier",
                ),
                ("story_articles", "story_id, article_id"),
                ("meta", "key, value"),
            )
        }
    engine.dispose()
    return content


def test_a_version_1_store_is_upgraded_on_open_and_loses_nothing(store_url: str, news: list[str]) -> None:
    with open_store(store_url) as store:
        store.ingest(news)
        fresh = exported_rows(store)
    downgrade_to_version_1(store_url)
    before = old_content(store_url)
    assert ("schema_version", "1") in before["meta"]
    with open_store(store_url) as store, store.engine.connect() as conn:
        version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
        tables = set(conn.dialect.get_table_names(conn))
    assert version == t.SCHEMA_VERSION and tables >= {x.name for x in t.STORY_TABLES}
    after = old_content(store_url)
    assert {k: v for k, v in after.items() if k != "meta"} == {k: v for k, v in before.items() if k != "meta"}
    assert ("schema_version", t.SCHEMA_VERSION) in after["meta"]
    with open_store(store_url) as store:
        assert exported_rows(store) == fresh  # the new tables filled from the JSON, as a new store has them
    assert verify(store_url).problems == []


def test_many_processes_opening_a_version_1_store_at_once_upgrade_it_once(tmp_path: Path, news: list[str]) -> None:
    db = str(tmp_path / "old.db")
    with open_store(db) as store:
        store.ingest(news)
        fresh = exported_rows(store)
    downgrade_to_version_1(db)
    code = (
        "import sys; from storytrace.store import open_store\n"
        "with open_store(sys.argv[1]) as s: print(len(s.list_stories()))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, db], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outputs
    with open_store(db) as store:
        assert exported_rows(store) == fresh
    assert verify(db).problems == []


# -- files -----------------------------------------------------------------------------------------------------------

cell_text = st.text(max_size=40)  # any Unicode: commas, quotes, CR, LF, NUL, U+2028, emoji
maybe_text = st.none() | cell_text


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "story_id": cell_text,
                "article_id": cell_text,
                "verdict": cell_text,
                "source": maybe_text,
                "timing": cell_text,
                "padding": st.floats(allow_nan=False),
                "summary": maybe_text,
                "added": st.integers(-(2**63), 2**63 - 1),
                "altered_quotes": st.integers(0, 10**6),
                "unattested_quotes": st.integers(0, 10**6),
                "conflicts": st.integers(0, 10**6),
                "credited": st.none() | st.booleans(),
            }
        ),
        max_size=5,
    )
)
def test_every_format_reads_back_the_rows_it_was_given(rows: list[dict], tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("prop")
    stored = [clean(t.verdicts, r) for r in rows]
    for fmt in ("csv", "jsonl", "parquet"):
        path = folder / f"verdicts.{fmt}"
        assert write_table(path, fmt, columns("verdicts"), stored) == len(stored)
        assert read_back(path, "verdicts") == stored, fmt


def test_csv_cells_are_plain_strings_for_any_csv_reader(tmp_path: Path) -> None:
    row = clean(
        t.conflict_sides,
        {
            "story_id": "s-1",
            "conflict_id": "x1",
            "n": 0,
            "article_id": "a,1",
            "sentence": None,
            "sentences": "[]",
            "text": 'He said "no",\r\nthen left.',
        },
    )
    path = tmp_path / "conflict_sides.csv"
    write_table(path, "csv", columns("conflict_sides"), [row])
    with path.open(encoding="utf-8", newline="") as f:
        header, *cells = list(csv.reader(f))
    assert header == [c.name for c in columns("conflict_sides")]
    assert cells == [["s-1", "x1", "0", "a,1", "", "[]", 'He said "no",\r\nthen left.']]


@pytest.mark.postgres
def test_the_export_is_the_same_from_sqlite_and_postgresql(pg_server, tmp_path: Path, corpus_db: Path) -> None:
    """The example corpus (reuse, conflicts, altered quotes): stored on SQLite and on PostgreSQL, the same tables."""
    import pg_fixtures

    sqlite_db = tmp_path / "corpus.db"
    shutil.copy(corpus_db, sqlite_db)
    pg = pg_server.new_database()
    with open_store(pg) as store:
        store.ingest(pg_fixtures.corpus_files())
        on_pg = exported_rows(store)
    with open_store(sqlite_db) as store:
        on_sqlite = exported_rows(store)
    assert on_sqlite["reuse"] and on_sqlite["conflicts"] and on_sqlite["quote_matches"]
    for name in EXPORT_TABLES:
        assert without_when(on_pg[name]) == without_when(on_sqlite[name]), name
    assert verify(pg).problems == []


# -- SQL tools -------------------------------------------------------------------------------------------------------


def test_sqlite_utils_sees_keys_foreign_keys_and_indexes(corpus_db: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "corpus.db"
    shutil.copy(corpus_db, db_path)
    db = sqlite_utils.Database(db_path)
    names = set(db.table_names())
    assert names >= {"articles", "stories", "story_articles", *(x.name for x in t.STORY_TABLES), "sources_cited"}
    assert db["reuse"].pks == ["story_id", "source_article_id", "derived_article_id"]
    assert db["claims"].pks == ["story_id", "claim_id"]
    assert db["sources_cited"].pks == ["article_id", "n"]
    fks = {(fk.column, fk.other_table, fk.other_column) for fk in db["reuse"].foreign_keys}
    assert fks >= {
        ("story_id", "stories", "id"),
        ("source_article_id", "articles", "id"),
        ("derived_article_id", "articles", "id"),
    }
    assert ("article_id", "articles", "id") in {
        (fk.column, fk.other_table, fk.other_column) for fk in db["claim_mentions"].foreign_keys
    }
    assert "claim_mentions_by_article" in {i.name for i in db["claim_mentions"].indexes}
    assert db["reuse"].count > 0 and db["claims"].count > 0 and db["conflicts"].count > 0
    # the questions an analyst asks, in plain SQL: which outlets copied which, which quotes were altered
    copied = list(
        db.query(
            "SELECT s.outlet AS source, d.outlet AS derived, r.kind FROM reuse r "
            "JOIN articles s ON s.id = r.source_article_id JOIN articles d ON d.id = r.derived_article_id "
            "WHERE r.direction = 'decided'"
        )
    )
    assert copied and all(row["kind"] in ("copy", "rewrite", "partial") for row in copied)
    altered = list(
        db.query(
            "SELECT q.text, m.text AS other FROM quotes q JOIN quote_matches m USING (story_id, quote_id) WHERE q.fidelity = 'altered'"
        )
    )
    assert altered
    with open_store(db_path) as store:
        rows = exported_rows(store)
    for name in ("reuse", "claims", "quotes", "conflicts"):
        assert db[name].count == len(rows[name])


# -- the command -----------------------------------------------------------------------------------------------------


def test_export_command_writes_one_file_per_table(corpus_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    shutil.copy(corpus_db, db)
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{len(EXPORT_TABLES)} tables written to {out}" in result.output
    with open_store(db) as store:
        rows = exported_rows(store)
    for name in EXPORT_TABLES:
        assert read_csv(out / f"{name}.csv", name) == rows[name], name
        assert f"{name} {len(rows[name])}" in result.output
    assert not list(out.glob("*.part"))
    again = runner.invoke(app, ["export", "--db", str(db), "--out", str(out), "--quiet"])  # replaces the files
    assert again.exit_code == 0 and again.output == ""
    assert read_csv(out / "articles.csv", "articles") == rows["articles"]


def test_export_refuses_plainly(tmp_path: Path, news: list[str]) -> None:
    missing = runner.invoke(app, ["export", "--db", str(tmp_path / "absent.db")])
    assert missing.exit_code == 2 and "no database at" in missing.output
    assert not (tmp_path / "absent.db").exists()
    db = tmp_path / "news.db"
    with open_store(db) as store:
        store.ingest(news[:1])
        with pytest.raises(UsageError, match="unknown export format 'xml'"):
            export_store(store, "xml", tmp_path / "x")
    bad = runner.invoke(app, ["export", "--db", str(db), "--format", "xml", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2
    assert "unknown export format 'xml': use one of csv, jsonl, parquet" in " ".join(bad.output.split())
    assert not (tmp_path / "x").exists()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n")
    clash = runner.invoke(app, ["export", "--db", str(db), "--out", str(a_file)])
    assert clash.exit_code == 2 and "is a file; --out wants a folder" in " ".join(clash.output.split())
    assert a_file.read_text() == "mine\n"
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        denied = runner.invoke(app, ["export", "--db", str(db), "--out", str(locked)])
        assert denied.exit_code == 2 and "cannot write" in denied.output and "Traceback" not in denied.output


def test_parquet_without_pyarrow_says_which_extra_to_install(tmp_path: Path, news: list[str]) -> None:
    db = tmp_path / "news.db"
    with open_store(db) as store:
        store.ingest(news[:1])
    # an interpreter where pyarrow cannot be imported, as on an install without the [export] or [ray] extra
    code = "import sys; sys.modules['pyarrow'] = None; from storytrace.cli import run; run()"
    out = tmp_path / "pq"
    done = subprocess.run(
        [sys.executable, "-c", code, "export", "--db", str(db), "--format", "parquet", "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: pyarrow (for --format parquet) is not installed: pip install 'storytrace[export]'"
    )
    assert not out.exists()


def test_every_exported_table_and_column_is_documented() -> None:
    from conftest import ROOT

    docs = (ROOT / "docs" / "store-and-web.md").read_text(encoding="utf-8")
    section = docs.split("## Flat tables and `storytrace export`", 1)[1].split("\n## ", 1)[0]
    lines = {line.split("|")[1].strip(): line for line in section.splitlines() if line.startswith("| `")}
    assert sorted(lines) == sorted(f"`{name}`" for name in EXPORT_TABLES)
    for name in EXPORT_TABLES:
        documented = lines[f"`{name}`"].split("|")[3]
        for column in columns(name):
            assert f"`{column.name}`" in documented, f"docs/store-and-web.md does not describe {name}.{column.name}"
