"""Findings as flat rows: each story's reuse links, claims, quotes, conflicts and verdicts, and each article's sources
cited, one row per finding in the flat tables of :mod:`storytrace.store.tables`.

The rows are derived from the records alone (never from the text again), and written in the transaction that writes
their story or article, so the flat tables and the JSON never disagree: after any crash both hold the last committed
state. ``storytrace export`` and SQL tools read these tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, delete, insert, inspect, select, text, update
from sqlalchemy.engine import Connection

from storytrace.records import Article, ArticleFacts, SentenceRef, SourceCited, Story
from storytrace.store import tables as t

Row = dict[str, Any]


def _first(ref: SentenceRef | None) -> int | None:
    if isinstance(ref, list):
        return ref[0] if ref else None
    return ref


def _every(ref: SentenceRef | None) -> str:
    if ref is None:
        return "[]"
    return _array(ref if isinstance(ref, list) else [ref])


def _array(values: Iterable[Any]) -> str:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def clean(table: Table, row: Row) -> Row:
    """``row`` in the table's column order, an empty text in a column that may be NULL as NULL (so that an empty
    CSV cell reads back as what was stored). A row with other keys than the table's columns is a bug here."""
    names = [c.name for c in table.columns]
    if set(row) != set(names):
        raise ValueError(f"{table.name} row has {sorted(row)}, the table has {names}")
    return {
        c.name: None if c.nullable and isinstance(row[c.name], str) and row[c.name] == "" else row[c.name]
        for c in table.columns
    }


def story_rows(story: Story) -> dict[str, list[Row]]:
    """The flat rows of one story, by table name (every story table present, maybe empty)."""
    sid = story.id
    out: dict[str, list[Row]] = {table.name: [] for table in t.STORY_TABLES}
    for r in story.reuse:
        out["reuse"].append(
            {
                "story_id": sid,
                "source_article_id": r.source,
                "derived_article_id": r.derived,
                "kind": r.kind,
                "score": float(r.score),
                "direction": r.direction,
                "reasons": _array(r.reasons),
                "common_source": r.common_source,
                "credited": r.credited,
                "verbatim_sentences": sum(e.match == "verbatim" for e in r.evidence),
                "paraphrased_sentences": sum(e.match == "paraphrase" for e in r.evidence),
            }
        )
        for n, e in enumerate(r.evidence):
            out["reuse_evidence"].append(
                {
                    "story_id": sid,
                    "source_article_id": r.source,
                    "derived_article_id": r.derived,
                    "n": n,
                    "source_sentence": _first(e.from_sentence),
                    "source_sentences": _every(e.from_sentence),
                    "derived_sentence": _first(e.to_sentence),
                    "derived_sentences": _every(e.to_sentence),
                    "similarity": float(e.similarity),
                    "match": e.match,
                }
            )
    for i, c in enumerate(story.claims):
        out["claims"].append(
            {
                "story_id": sid,
                "claim_id": c.id,
                "n": i,
                "text": c.text,
                "status": c.status,
                "independent_sources": c.independent_sources,
                "n_mentions": len(c.mentions),
                "conflicts": _array(c.conflicts),
                "source_groups": _array(c.groups),
            }
        )
        for n, m in enumerate(c.mentions):
            out["claim_mentions"].append(
                {
                    "story_id": sid,
                    "claim_id": c.id,
                    "n": n,
                    "article_id": m.article,
                    "sentence": _first(m.sentence),
                    "sentences": _every(m.sentence),
                    "text": m.text,
                    "article_claim_id": m.claim,
                    "negated": bool(m.negated),
                    "modality": m.modality,
                }
            )
    for i, q in enumerate(story.quotes):
        out["quotes"].append(
            {
                "story_id": sid,
                "quote_id": q.id,
                "n": i,
                "article_id": q.article,
                "sentence": _first(q.sentence),
                "sentences": _every(q.sentence),
                "text": q.text,
                "speaker": q.speaker,
                "cue": q.cue,
                "fidelity": q.fidelity,
                "reason": q.reason,
                "n_matches": len(q.matches),
            }
        )
        for n, qm in enumerate(q.matches):
            out["quote_matches"].append(
                {
                    "story_id": sid,
                    "quote_id": q.id,
                    "n": n,
                    "article_id": qm.article,
                    "sentence": _first(qm.sentence),
                    "sentences": _every(qm.sentence),
                    "text": qm.text,
                    "similarity": float(qm.similarity),
                }
            )
    for i, x in enumerate(story.conflicts):
        out["conflicts"].append(
            {
                "story_id": sid,
                "conflict_id": x.id,
                "n": i,
                "kind": x.kind,
                "severity": x.severity,
                "explanation": x.explanation,
                "claims": _array(x.claims),
                "articles": _array(x.articles),
            }
        )
        for n, side in enumerate(x.sides):
            out["conflict_sides"].append(
                {
                    "story_id": sid,
                    "conflict_id": x.id,
                    "n": n,
                    "article_id": side.article,
                    "sentence": _first(side.sentence),
                    "sentences": _every(side.sentence),
                    "text": side.text,
                }
            )
    for v in story.verdicts:
        out["verdicts"].append(
            {
                "story_id": sid,
                "article_id": v.article,
                "verdict": v.verdict,
                "source": v.source,
                "timing": v.timing,
                "padding": float(v.padding),
                "summary": v.summary,
                "added": v.counts.added,
                "altered_quotes": v.counts.altered_quotes,
                "unattested_quotes": v.counts.unattested_quotes,
                "conflicts": v.counts.conflicts,
                "credited": v.credited,
            }
        )
    tables = {table.name: table for table in t.STORY_TABLES}
    return {name: [clean(tables[name], row) for row in rows] for name, rows in out.items()}


def membership_rows(story: Story) -> list[Row]:
    """``story_articles`` rows: each member with the index of its independent source group (None when in none)."""
    group_of: dict[str, int] = {}
    for n, group in enumerate(story.groups):
        for aid in group:
            group_of.setdefault(aid, n)
    return [{"story_id": story.id, "article_id": a, "source_group": group_of.get(a)} for a in story.articles]


def source_rows(article_id: str, sources: Sequence[SourceCited]) -> list[Row]:
    """``sources_cited`` rows of one article."""
    return [
        clean(
            t.sources_cited,
            {
                "article_id": article_id,
                "n": n,
                "name": s.name,
                "kind": s.kind,
                "text": s.text,
                "sentence": _first(s.sentence),
                "sentences": _every(s.sentence),
            },
        )
        for n, s in enumerate(sources)
    ]


def cited_sources(article: Article, facts: ArticleFacts | None) -> list[SourceCited]:
    """The sources an article cites: the claims stage's list (``ArticleFacts``), or the copy on the article when
    the facts carry none (an article analysed elsewhere and handed in as a record)."""
    return list((facts.sources_cited if facts else None) or article.sources_cited)


def delete_story_rows(conn: Connection, story_ids: Sequence[str]) -> None:
    """Remove the flat rows of these stories (children first: no foreign key is ever left dangling)."""
    if not story_ids:
        return
    for table in t.STORY_TABLES:
        conn.execute(delete(table).where(table.c.story_id.in_(list(story_ids))))


def insert_story_rows(conn: Connection, story: Story) -> None:
    rows = story_rows(story)
    for table in reversed(t.STORY_TABLES):  # parents before children
        if rows[table.name]:
            conn.execute(insert(table), rows[table.name])


def insert_source_rows(conn: Connection, article_id: str, sources: Sequence[SourceCited]) -> None:
    rows = source_rows(article_id, sources)
    if rows:
        conn.execute(insert(t.sources_cited), rows)


def upgrade(conn: Connection, version: str) -> str:
    """Bring a store of an older schema version up to date inside the caller's schema transaction (all or nothing)
    and return the new version. Nothing stored is changed; the new columns and tables are filled from the JSON."""
    if version == "1":
        # create_all (run just before) made the new tables; the one new column of an old table is added here
        have = {c["name"] for c in inspect(conn).get_columns("story_articles")}
        if "source_group" not in have:
            conn.execute(text("ALTER TABLE story_articles ADD COLUMN source_group INTEGER"))
        stories = conn.execute(select(t.stories.c.dossier)).fetchall()
        for row in stories:
            story = Story.from_dict(json.loads(row.dossier))
            for m in membership_rows(story):
                conn.execute(
                    update(t.story_articles)
                    .where(
                        t.story_articles.c.story_id == m["story_id"], t.story_articles.c.article_id == m["article_id"]
                    )
                    .values(source_group=m["source_group"])
                )
            delete_story_rows(conn, [story.id])
            insert_story_rows(conn, story)
        for aid, cited in list(_stored_sources(conn)):
            conn.execute(delete(t.sources_cited).where(t.sources_cited.c.article_id == aid))
            insert_source_rows(conn, aid, cited)
        conn.execute(update(t.meta).where(t.meta.c.key == "schema_version").values(value="2"))
        version = "2"
    if version == "2":  # then on to 3: the editor's decisions
        from storytrace.store.decisions import upgrade as upgrade_decisions

        version = upgrade_decisions(conn, version)
    return version


def stored_rows(conn: Connection, table: Table, **where: str) -> list[Row]:
    """A flat table's rows (optionally those with the given column values), as dicts in the table's column order."""
    query = select(table).order_by(*table.primary_key.columns)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    return [dict(r._mapping) for r in conn.execute(query)]


def check(conn: Connection) -> list[str]:
    """Where the flat tables disagree with the JSON they are derived from (empty: they agree). Part of
    :func:`storytrace.store.verify.verify`, so the crash tests check that a kill never leaves the two apart."""
    problems: list[str] = []
    expected: dict[str, list[Row]] = {table.name: [] for table in t.STORY_TABLES}
    members: list[Row] = []
    for r in conn.execute(select(t.stories.c.dossier).order_by(t.stories.c.id)):
        story = Story.from_dict(json.loads(r.dossier))
        for name, rows in story_rows(story).items():
            expected[name] += rows
        members += membership_rows(story)
    for table in t.STORY_TABLES:
        key = [c.name for c in table.primary_key.columns]
        want = sorted(expected[table.name], key=lambda row: [str(row[k]) for k in key])
        have = sorted(stored_rows(conn, table), key=lambda row: [str(row[k]) for k in key])
        if want != have:
            problems.append(f"flat table {table.name} disagrees with the stories' JSON")
    stored_members = {(r.story_id, r.article_id): r.source_group for r in conn.execute(select(t.story_articles))}
    if any(stored_members.get((m["story_id"], m["article_id"]), -1) != m["source_group"] for m in members):
        problems.append("story_articles.source_group disagrees with the stories' source groups")
    want_sources = [row for aid, cited in _stored_sources(conn) for row in source_rows(aid, cited)]
    if sorted(want_sources, key=_by_article) != sorted(stored_rows(conn, t.sources_cited), key=_by_article):
        problems.append("flat table sources_cited disagrees with the articles' facts")
    return problems


def _by_article(row: Row) -> tuple[str, int]:
    return (row["article_id"], row["n"])


def _stored_sources(conn: Connection) -> list[tuple[str, list[SourceCited]]]:
    """Every stored article's sources cited, from its JSON and its facts' JSON."""
    rows = conn.execute(
        select(t.articles.c.id, t.articles.c.data, t.article_facts.c.data.label("facts"))
        .join(t.article_facts, t.article_facts.c.article_id == t.articles.c.id, isouter=True)
        .order_by(t.articles.c.id)
    ).fetchall()
    out = []
    for r in rows:
        facts = ArticleFacts.from_dict(json.loads(r.facts)) if r.facts else None
        out.append((r.id, cited_sources(Article.from_dict(json.loads(r.data)), facts)))
    return out
