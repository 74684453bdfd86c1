"""Checks of a store's invariants: what must hold after any crash, and what must hold once an ingest has finished.

Used by the crash and concurrency tests and by bench/reliability_store.py; also handy by hand on a database that
went through a power cut (``python -c "from storytrace.store.verify import verify; print(verify('news.db'))"``).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select, text

from storytrace.store import flat, open_store
from storytrace.store import tables as t


@dataclass
class StoreCheck:
    """What :func:`verify` found. ``problems`` empty means the store is sound."""

    integrity: str  # SQLite's PRAGMA integrity_check ("ok"), or "n/a" on PostgreSQL
    articles: list[str] = field(default_factory=list)  # stored article ids
    duplicated: list[str] = field(default_factory=list)  # origins stored under more than one article
    problems: list[str] = field(default_factory=list)
    stories: list[frozenset[str]] = field(default_factory=list)  # each story's members

    @property
    def partition(self) -> set[frozenset[str]]:
        """The stories as sets of article ids (ids of stories may differ between histories; membership may not)."""
        return set(self.stories)


def verify(url_or_path: str | os.PathLike[str], *, finished: bool = True) -> StoreCheck:
    """Check a store. Always: the file's integrity, foreign keys, every article whole (row, facts, vectors and
    story-index entries), no
    origin stored twice, every story's member list equal to its rows. ``finished``: also that every article belongs
    to a story, as it must once an ingest has run to the end (after a crash, until the next ingest, it may not)."""
    with open_store(url_or_path) as store, store.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        integrity = "n/a"
        problems: list[str] = []
        if sqlite:
            integrity = "; ".join(r[0] for r in conn.execute(text("PRAGMA integrity_check")))
            if integrity != "ok":
                problems.append(f"integrity_check: {integrity}")
            fk = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
            if fk:
                problems.append(f"foreign_key_check: {len(fk)} rows refer to nothing")
        rows = conn.execute(select(t.articles.c.id, t.articles.c.data)).fetchall()
        ids = [r.id for r in rows]
        with_facts = {r[0] for r in conn.execute(select(t.article_facts.c.article_id))}
        with_vectors = {r[0] for r in conn.execute(select(t.article_vectors.c.article_id))}
        indexed = {r.article_id: r.pending for r in conn.execute(select(t.article_index))}
        for name, have in (("facts", with_facts), ("vectors", with_vectors), ("index entries", set(indexed))):
            if have != set(ids):
                problems.append(f"articles without {name} or {name} without article: {sorted(have ^ set(ids))}")
        origins = Counter(o for r in rows for o in set(_origins(json.loads(r.data))))
        duplicated = sorted(o for o, n in origins.items() if n > 1)
        if duplicated:
            problems.append(f"origins stored under more than one article: {duplicated}")
        members: dict[str, set[str]] = {}
        for link in conn.execute(select(t.story_articles.c.story_id, t.story_articles.c.article_id)):
            members.setdefault(link.story_id, set()).add(link.article_id)
        stories: list[frozenset[str]] = []
        for r in conn.execute(select(t.stories.c.id, t.stories.c.members, t.stories.c.n_articles, t.stories.c.dossier)):
            listed = set(r.members.split())
            story_articles = set(json.loads(r.dossier)["articles"])
            if not (listed == members.get(r.id, set()) == story_articles) or r.n_articles != len(listed):
                problems.append(f"story {r.id}: members, rows and dossier disagree")
            stories.append(frozenset(listed))
        story_ids = {r[0] for r in conn.execute(select(t.stories.c.id))}
        if set(members) - story_ids:
            problems.append(f"story_articles rows of no story: {sorted(set(members) - story_ids)}")
        in_stories = set().union(*stories) if stories else set()
        if in_stories - set(ids):
            problems.append(f"stories name articles not stored: {sorted(in_stories - set(ids))}")
        if finished and set(ids) - in_stories:
            problems.append(f"articles in no story: {sorted(set(ids) - in_stories)}")
        # the story transaction clears the mark of every article it puts in a story: a story's article still marked
        # would be attached a second time
        if {a for a, pending in indexed.items() if pending} & in_stories:
            problems.append("articles in a story still marked pending in the index")
        problems += flat.check(conn)  # the flat tables were written in the same transactions as the JSON
    return StoreCheck(integrity, sorted(ids), duplicated, problems, stories)


def _origins(data: dict[str, object]) -> list[str]:
    origins = data.get("origins") or [data.get("origin")]
    return [str(o) for o in origins if o] if isinstance(origins, list) else []
