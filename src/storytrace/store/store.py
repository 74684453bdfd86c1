"""The store: articles, their parsed facts and vectors, and the stories over them, in one SQL database.

Writes are transactional. Each new article is written in its own transaction (its row, its facts and its vectors
together), so an interrupted ingest keeps every article already committed and never leaves half of one. Stories are
then regrouped over everything stored and written in one more transaction; only stories whose membership changed
are analysed again (reuse, source groups, cross-check), and story ids carry over from the stories they continue.
The flat tables (one row per finding, :mod:`storytrace.store.flat`) are written in those same transactions. An
editor's decisions (:mod:`storytrace.store.decisions`) are read with every snapshot: merges, splits and declarations
go to the stages in the options, and the dossier carries each story's decisions.

Several processes may write at once: every write transaction takes the write lock up front and is retried with
backoff while the database is busy, an article another process stored first is merged rather than inserted twice,
and the story update commits only over the state it analysed (see :meth:`Store.update_stories`).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np
from sqlalchemy import Engine, Table, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.dml import Insert

from storytrace import __version__
from storytrace.errors import StoreError
from storytrace.options import Options
from storytrace.records import Article, ArticleFacts, Decision, Dossier, Skipped, Story, StoryGroup
from storytrace.store import decisions as review
from storytrace.store import flat
from storytrace.store import tables as t

if TYPE_CHECKING:
    from storytrace.stories.grow import IndexEntry

Progress = Callable[[str, int, int], None]  # (stage, done, total), as in the pipeline
Sort = Literal["size", "recent", "contested"]
SORTS: tuple[str, ...] = ("size", "recent", "contested")
PARSE_BATCH = 16  # articles parsed and embedded together (spaCy and the embedder are faster in batches)

T = TypeVar("T")

# Concurrent writers. SQLite waits up to its busy timeout (30 s, set in open_store) for the write lock; beyond that,
# and for PostgreSQL's serialization failures and deadlocks, a write transaction is run again with exponential
# backoff and jitter until RETRY_SECONDS have passed. 120 s: eight ingests of the example corpus on two busy cores
# each hold the lock well under a second per transaction (bench/reliability_store.py), so this is ample headroom and
# still ends a run that is really stuck.
RETRY_SECONDS = 120.0
RETRY_FIRST_DELAY = 0.05  # seconds; doubled after each failed try
RETRY_MAX_DELAY = 2.0
# update_stories computes outside any lock and commits only if no other writer changed the articles or the stories
# meanwhile; each lost race re-analyses only what the winner changed, so a handful of tries suffice. 200 is a bound
# against a livelock, not an expected count.
STORY_ATTEMPTS = 200
# PostgreSQL advisory lock keys (any 64-bit numbers; these spell "stor" and "schm" in ASCII) serialising the story
# write and the schema creation between processes; SQLite's BEGIN IMMEDIATE does the same there.
PG_STORIES_LOCK = 0x73746F72
PG_SCHEMA_LOCK = 0x7363686D
# PostgreSQL SQLSTATEs worth a retry: serialization_failure, deadlock_detected
_PG_RETRY_STATES = ("40001", "40P01")


def _noop(stage: str, done: int, total: int) -> None:
    return None


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))


class UnknownId(StoreError):
    """No story or article with this id in the store."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"no {kind} with id {ident!r} in the store")
        self.kind = kind
        self.ident = ident


@dataclass
class StorySummary:
    """One row of the story list: what is needed to list, sort and pick a story without loading it."""

    id: str
    headline: str
    n_articles: int
    n_groups: int
    n_contested: int
    latest_published: str | None
    updated_at: str


@dataclass
class IngestReport:
    """What one ``ingest`` did."""

    added: list[str] = field(default_factory=list)  # ids of articles new to the store
    merged: list[str] = field(default_factory=list)  # stored articles that gained a new origin
    unchanged: list[str] = field(default_factory=list)  # already stored with this origin
    skipped: list[Skipped] = field(default_factory=list)
    stories_changed: list[str] = field(default_factory=list)  # analysed again (new or changed membership)
    stories_removed: list[str] = field(default_factory=list)  # merged into another story


def analysis_fingerprint(options: Options) -> str:
    """What the stored analysis was made with: when it differs from the stored one, every story is analysed again."""
    return _dumps({"version": __version__, "settings": options.settings()})


def count_contested(story: Story) -> int:
    """The story's conflicts, the number its page's header gives ("5 conflicts"); the story list and the
    ``n_contested`` column say the same (one definition: :mod:`storytrace.dossier.triage`)."""
    return len(story.conflicts)


class Store:
    """A storytrace database. Open it with :func:`storytrace.store.open_store`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        # One writer per process at a time: the web app ingests uploads from worker threads.
        self._write_lock = threading.Lock()
        # articles the cross-check failed on while stories were analysed again (reported by the ingest that did it)
        self._left_out: list[Skipped] = []

    # -- plumbing ---------------------------------------------------------------------------------------------------

    def _write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction (SQLite: BEGIN IMMEDIATE, so the write lock is taken up front and
        waited for with the busy timeout, never refused half-way as a deferred transaction's upgrade is); run it
        again with backoff while the database is busy, so no user ever sees "database is locked"."""
        delay = RETRY_FIRST_DELAY
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                with self.engine.connect() as conn:
                    conn.execution_options(storytrace_write=True)
                    with conn.begin():
                        return work(conn)
            except SQLAlchemyError as exc:
                if not transient(exc) or time.monotonic() > deadline:
                    raise StoreError(f"database error ({self.url}): {_short(exc)}") from exc
            time.sleep(delay * (0.5 + random.random()))  # jitter: writers that collided do not retry in step
            delay = min(delay * 2, RETRY_MAX_DELAY)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"database error ({self.url}): {_short(exc)}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ----------------------------------------------------------------------------------------------------

    def ingest(
        self,
        inputs: Sequence[str | Path | Article],
        options: Options | None = None,
        progress: Progress = _noop,
        regroup: bool = False,
    ) -> IngestReport:
        """Read ``inputs`` (paths as ``storytrace analyze`` takes them, or ready ``Article`` records), store the new
        articles one transaction each, then bring the stories up to date in one more transaction: the new articles
        attached through the story index (:mod:`storytrace.store.index`), or, with ``regroup``, every stored
        article regrouped."""
        from storytrace.ingest import read_inputs

        options = options or Options()
        paths = [str(i) for i in inputs if not isinstance(i, Article)]
        given = [i for i in inputs if isinstance(i, Article)]
        read, skipped = read_inputs(paths, options.ingest) if paths else ([], [])
        with self._write_lock:
            report = self.add_articles([*given, *read], options, progress)
            report.skipped = [*skipped, *report.skipped]
            self._left_out = []
            report.stories_changed, report.stories_removed = self.update_stories(options, progress, regroup=regroup)
            report.skipped += self._left_out
        return report

    def add_articles(
        self, articles: Sequence[Article], options: Options | None = None, progress: Progress = _noop
    ) -> IngestReport:
        """Store articles (parsing and embedding the new ones); does not touch stories."""
        from storytrace.claims import extract_facts
        from storytrace.claims.sources import attach_sources_cited
        from storytrace.embed import embed_articles
        from storytrace.pipeline import EMBEDDER_FAILED, PARSER_FAILED, each_isolated

        options = options or Options()
        report = IngestReport()
        unique: dict[str, Article] = {}
        for a in articles:  # the same text twice in one batch: one article with both origins
            if a.id in unique:
                kept = unique[a.id]
                kept.origins = _merge_origins(kept.origins, a.origins or [a.origin])
            else:
                unique[a.id] = Article.from_dict(a.to_dict())
        with self._read() as conn:
            stored_rows = conn.execute(
                select(t.articles.c.id, t.articles.c.data).where(t.articles.c.id.in_(list(unique)))
            )
            stored = {row.id: row.data for row in stored_rows}
        fresh = [a for aid, a in unique.items() if aid not in stored]
        for aid, a in unique.items():
            if aid in stored:
                if self._merge_origins(aid, a.origins or [a.origin]):
                    report.merged.append(aid)
                else:
                    report.unchanged.append(aid)
        progress("parse", 0, len(fresh))
        for b in range(0, len(fresh), PARSE_BATCH):
            batch = fresh[b : b + PARSE_BATCH]
            # one article that makes the parser or the embedder fail is left out with a plain reason; the rest of
            # the batch is stored (the same isolation as the in-process pipeline)
            facts = each_isolated(
                batch,
                lambda arts: {f.article: f for f in extract_facts(arts, options.claims)},
                PARSER_FAILED,
                report.skipped,
            )
            batch = [a for a in batch if a.id in facts]
            attach_sources_cited(batch, facts)  # stored rows, and so store dossiers, carry them
            vectors = each_isolated(batch, embed_articles, EMBEDDER_FAILED, report.skipped)
            batch = [a for a in batch if a.id in vectors]
            for a in batch:
                if self._write_article(a, facts.get(a.id) or ArticleFacts(article=a.id), vectors[a.id], options):
                    report.added.append(a.id)
                elif self._merge_origins(a.id, a.origins or [a.origin]):  # another process stored it meanwhile
                    report.merged.append(a.id)
                else:
                    report.unchanged.append(a.id)
            progress("parse", min(b + PARSE_BATCH, len(fresh)), len(fresh))
        return report

    def _write_article(
        self, article: Article, facts: ArticleFacts, vectors: np.ndarray, options: Options | None = None
    ) -> bool:
        """Store one article with its facts, vectors and story-index entries in one transaction. False when another
        process stored the same article first (the insert yields to it, so two ingests of one file never duplicate
        or fail)."""
        from storytrace.store import index

        vec = np.ascontiguousarray(vectors, dtype="<f4")
        dim = int(vec.shape[1]) if vec.ndim == 2 and vec.shape[1] else 384
        story_options = (options or Options()).stories
        (entry,) = index.entries_of([article], {article.id: facts}, {article.id: vectors}, story_options)

        def work(conn: Connection) -> bool:
            row = (
                _insert_or_skip(conn, t.articles)
                .returning(t.articles.c.id)
                .values(
                    id=article.id,
                    data=_dumps(article.to_dict()),
                    published=article.published,
                    outlet=article.outlet,
                    title=article.title,
                    added_at=_now(),
                )
            )
            if conn.execute(row).first() is None:  # RETURNING: rowcount was not 0 on psycopg for a skipped row
                return False
            conn.execute(insert(t.article_facts).values(article_id=article.id, data=_dumps(facts.to_dict())))
            conn.execute(insert(t.article_vectors).values(article_id=article.id, dim=dim, data=vec.tobytes()))
            flat.insert_source_rows(conn, article.id, flat.cited_sources(article, facts))
            index.write_entries(conn, [entry], {article.id: index.article_day(article)}, pending=True)
            return True

        return self._write(work)

    def _merge_origins(self, article_id: str, origins: Sequence[str]) -> bool:
        def work(conn: Connection) -> bool:
            row = conn.execute(
                select(t.articles.c.data).where(t.articles.c.id == article_id).with_for_update()
            ).one_or_none()
            if row is None:  # pragma: no cover - deleted between the read and this write
                return False
            data = json.loads(row.data)
            merged = _merge_origins(data.get("origins") or [data["origin"]], origins)
            if merged == data.get("origins"):
                return False
            data["origins"] = merged
            conn.execute(update(t.articles).where(t.articles.c.id == article_id).values(data=_dumps(data)))
            return True

        return self._write(work)

    def update_stories(
        self, options: Options | None = None, progress: Progress = _noop, regroup: bool = True
    ) -> tuple[list[str], list[str]]:
        """Regroup every stored article into stories; analyse again only the stories whose membership changed (all
        of them when the analysis settings or storytrace version changed). Returns (changed ids, removed ids).

        With ``regroup=False`` only the articles not yet in a story are grouped, with the stored stories the story
        index finds for them (:meth:`_grow_snapshot`); stored stories stay whole. That falls back to the full
        regroup when the settings changed or the index is incomplete (and the full regroup rebuilds it).

        Other processes may ingest at the same time. The analysis runs on a snapshot, outside any lock, and is
        committed only if no article was added and no story written since that snapshot (the story generation in
        ``meta`` and the article count, in the serialised write transaction); otherwise it starts again from the
        newer state, where the winner's stories already count as unchanged. So the last writer always commits
        stories over every article committed before it, and no two writers interleave their story rows."""
        options = options or Options()
        fingerprint = analysis_fingerprint(options)
        for _attempt in range(STORY_ATTEMPTS):
            snap = None if regroup else self._grow_snapshot(fingerprint, options)
            if snap is None:
                snap = self._snapshot()
                self._rebuild_index(snap, options)
            fresh, removed = self._analyse(snap, fingerprint, options, progress)

            def work(
                conn: Connection, snap: _Snapshot = snap, fresh: list[Story] = fresh, removed: list[str] = removed
            ) -> bool:
                return self._write_stories(conn, snap, fresh, removed, fingerprint, options)

            if self._write(work):
                return [s.id for s in fresh], removed
            time.sleep(RETRY_FIRST_DELAY * random.random())  # jitter: writers that collided do not retry in step
        raise StoreError(f"stories in {self.url} could not be updated: other ingests kept changing them; run again")

    def _analyse(
        self, snap: _Snapshot, fingerprint: str, options: Options, progress: Progress
    ) -> tuple[list[Story], list[str]]:
        from storytrace.pipeline import story_isolated
        from storytrace.stories import group_stories, stable_ids

        force = snap.fingerprint != fingerprint
        # the editor's merges, splits and declarations, as the stages read them (not part of the fingerprint: a new
        # decision re-analyses the stories it changes, not all of them)
        options = review.with_decisions(options, snap.decisions)
        declarations = options.reuse.declarations
        articles, previous = snap.articles, snap.previous
        before = [StoryGroup(id=k, headline="", articles=v) for k, v in previous.items()]
        kept = before if snap.n_articles is not None else []  # attaching: stored stories stay whole
        groups = group_stories(articles, snap.facts, snap.vectors, options.stories, existing=kept) if articles else []
        groups = stable_ids(groups, before)
        by_id = {a.id: a for a in articles}
        fresh: list[Story] = []
        for n, g in enumerate(groups):
            members = sorted(g.articles)
            declared = review.declared_digest(members, by_id, declarations)
            if not force and previous.get(g.id) == members and snap.declared.get(g.id) == declared:
                continue
            progress("stories", n, len(groups))
            story = story_isolated(g, by_id, snap.facts, snap.vectors, options, self._left_out)
            if story is not None:
                fresh.append(story)
        progress("stories", len(groups), len(groups))
        keep = {g.id for g in groups}
        return fresh, sorted(set(previous) - keep)

    def _write_stories(
        self,
        conn: Connection,
        snap: _Snapshot,
        fresh: list[Story],
        removed: list[str],
        fingerprint: str,
        options: Options,
    ) -> bool:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_STORIES_LOCK})
        n_articles = len(snap.articles) if snap.n_articles is None else snap.n_articles
        if _generation(conn) != snap.generation or _n_articles(conn) != n_articles:
            return False  # another writer got here first: analyse again from what it wrote
        by_id = {a.id: a for a in snap.articles}
        previous = snap.previous
        from storytrace.store import index

        declarations = review.with_decisions(options, snap.decisions).reuse.declarations  # as _analyse read them
        now = _now()
        gone = removed + [s.id for s in fresh if s.id in previous]
        if gone:
            flat.delete_story_rows(conn, gone)  # the flat findings go with their story, in this same transaction
            conn.execute(delete(t.story_articles).where(t.story_articles.c.story_id.in_(gone)))
            conn.execute(delete(t.stories).where(t.stories.c.id.in_(gone)))
        for s in fresh:
            dates = [d for a in s.articles if (d := by_id[a].published)]
            conn.execute(
                insert(t.stories).values(
                    id=s.id,
                    headline=s.headline,
                    n_articles=len(s.articles),
                    n_groups=len(s.groups),
                    n_contested=count_contested(s),
                    latest_published=max(dates) if dates else None,
                    updated_at=now,
                    members=" ".join(sorted(s.articles)),
                    dossier=_dumps(s.to_dict()),
                    declared=review.declared_digest(s.articles, by_id, declarations),
                )
            )
            conn.execute(insert(t.story_articles), flat.membership_rows(s))
            flat.insert_story_rows(conn, s)
        index.clear_pending(conn, sorted({a for s in fresh for a in s.articles}))
        _set_meta(conn, "analysis", fingerprint)
        _set_meta(conn, "settings", _dumps(options.settings()))
        _set_meta(conn, "stories_generation", str(snap.generation + 1))
        _set_meta(conn, "decided", _decided(options, snap.decisions))
        return True

    def _snapshot(self) -> _Snapshot:
        """Everything the story update reads, in one read transaction (one consistent view under concurrent
        writers)."""
        delay = RETRY_FIRST_DELAY
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                with self.engine.connect() as conn, conn.begin():
                    return _read_snapshot(conn)
            except SQLAlchemyError as exc:
                if not transient(exc) or time.monotonic() > deadline:
                    raise StoreError(f"database error ({self.url}): {_short(exc)}") from exc
            time.sleep(delay * (0.5 + random.random()))  # jitter: writers that collided do not retry in step
            delay = min(delay * 2, RETRY_MAX_DELAY)

    def _grow_snapshot(self, fingerprint: str, options: Options) -> _Snapshot | None:
        """What attaching the articles not yet in a story reads, in one read transaction: those articles, the stored
        stories the story index finds for them (and those an editor's merge or split ties to these), their members'
        facts and vectors. None when a full regroup is due instead (other settings, an incomplete index)."""
        delay = RETRY_FIRST_DELAY
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                with self.engine.connect() as conn, conn.begin():
                    return _read_grow(conn, fingerprint, options)
            except SQLAlchemyError as exc:
                if not transient(exc) or time.monotonic() > deadline:
                    raise StoreError(f"database error ({self.url}): {_short(exc)}") from exc
            time.sleep(delay * (0.5 + random.random()))  # jitter: writers that collided do not retry in step
            delay = min(delay * 2, RETRY_MAX_DELAY)

    def _rebuild_index(self, snap: _Snapshot, options: Options) -> None:
        """Before a full regroup: rebuild the story index when it was made with other settings or misses articles
        (a store from before it), a transaction per chunk of articles, marked complete at the end."""
        from storytrace.store import index

        with self._read() as conn:
            if index.complete(conn, options.stories, _n_articles(conn)):
                return
        storied = {a for members in snap.previous.values() for a in members}
        arts = snap.articles
        for s in range(0, len(arts), index.CHUNK):
            part = arts[s : s + index.CHUNK]

            def work(conn: Connection, part: list[Article] = part) -> None:
                index.rebuild(conn, part, snap.facts, snap.vectors, options.stories, storied)

            self._write(work)
        self._write(lambda conn: index.mark_built(conn, options.stories))

    def add_parsed(
        self,
        articles: Sequence[Article],
        facts: dict[str, ArticleFacts],
        vectors: dict[str, np.ndarray],
        options: Options | None = None,
        batch: int = 500,
    ) -> IngestReport:
        """Store articles whose facts and vectors are already computed (a migration, a bench's synthetic store),
        ``batch`` articles per transaction, each whole (row, facts, vectors, sources, index entries); articles
        already stored are left alone. Does not touch stories: ``update_stories`` next."""
        from storytrace.store import index

        story_options = (options or Options()).stories
        report = IngestReport()
        for s in range(0, len(articles), batch):
            part = list({a.id: a for a in articles[s : s + batch]}.values())
            entries = {e.article: e for e in index.entries_of(part, facts, vectors, story_options)}

            def work(
                conn: Connection, part: list[Article] = part, entries: dict[str, IndexEntry] = entries
            ) -> list[str]:
                have = set()
                ids = [a.id for a in part]
                for r in conn.execute(select(t.articles.c.id).where(t.articles.c.id.in_(ids))):
                    have.add(r.id)
                new = [a for a in part if a.id not in have]
                if not new:
                    return []
                now = _now()
                conn.execute(insert(t.articles), [
                    {"id": a.id, "data": _dumps(a.to_dict()), "published": a.published, "outlet": a.outlet,
                     "title": a.title, "added_at": now}
                    for a in new
                ])  # fmt: skip
                conn.execute(insert(t.article_facts), [
                    {"article_id": a.id, "data": _dumps((facts.get(a.id) or ArticleFacts(article=a.id)).to_dict())}
                    for a in new
                ])  # fmt: skip
                rows = []
                for a in new:
                    vec = np.ascontiguousarray(vectors[a.id], dtype="<f4")
                    dim = int(vec.shape[1]) if vec.ndim == 2 and vec.shape[1] else 384
                    rows.append({"article_id": a.id, "dim": dim, "data": vec.tobytes()})
                conn.execute(insert(t.article_vectors), rows)
                for a in new:
                    cited = flat.cited_sources(a, facts.get(a.id) or ArticleFacts(article=a.id))
                    flat.insert_source_rows(conn, a.id, cited)
                days = {a.id: index.article_day(a) for a in new}
                index.write_entries(conn, [entries[a.id] for a in new], days, pending=True)
                return [a.id for a in new]

            added = self._write(work)
            report.added += added
            report.unchanged += [a.id for a in part if a.id not in set(added)]
        return report

    def _load_all(self) -> tuple[list[Article], dict[str, ArticleFacts], dict[str, np.ndarray]]:
        snap = self._snapshot()
        return snap.articles, snap.facts, snap.vectors

    # -- reading ----------------------------------------------------------------------------------------------------

    def list_stories(self, search: str | None = None, sort: str = "size") -> list[StorySummary]:
        """Stories, optionally only those whose headline or any article (title, outlet, text) contains ``search``
        (case-insensitive), sorted by size, by most recent article, or by number of contested claims."""
        if sort not in SORTS:
            raise StoreError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        s = t.stories.c
        query = select(s.id, s.headline, s.n_articles, s.n_groups, s.n_contested, s.latest_published, s.updated_at)
        if search and search.strip():
            needle = search.strip().lower()
            member_match = (
                select(t.story_articles.c.story_id)
                .join(t.articles, t.articles.c.id == t.story_articles.c.article_id)
                .where(func.lower(t.articles.c.data).contains(needle, autoescape=True))
            )
            query = query.where(or_(func.lower(s.headline).contains(needle, autoescape=True), s.id.in_(member_match)))
        if sort == "recent":
            query = query.order_by(s.latest_published.desc().nulls_last(), s.n_articles.desc(), s.id)
        elif sort == "contested":
            query = query.order_by(s.n_contested.desc(), s.n_articles.desc(), s.id)
        else:
            query = query.order_by(s.n_articles.desc(), s.n_groups.desc(), s.id)
        with self._read() as conn:
            return [StorySummary(**row._asdict()) for row in conn.execute(query)]

    def decisions(self) -> list[Decision]:
        """The editor's decisions, in the order they were made (:mod:`storytrace.store.decisions`)."""
        return review.stored_decisions(self)

    def get_story(self, story_id: str) -> Story:
        with self._read() as conn:
            data = conn.execute(select(t.stories.c.dossier).where(t.stories.c.id == story_id)).scalar()
        if data is None:
            raise UnknownId("story", story_id)
        return Story.from_dict(json.loads(data))

    def get_article(self, article_id: str) -> Article:
        with self._read() as conn:
            data = conn.execute(select(t.articles.c.data).where(t.articles.c.id == article_id)).scalar()
        if data is None:
            raise UnknownId("article", article_id)
        return Article.from_dict(json.loads(data))

    def get_facts(self, article_id: str) -> ArticleFacts:
        with self._read() as conn:
            data = conn.execute(
                select(t.article_facts.c.data).where(t.article_facts.c.article_id == article_id)
            ).scalar()
        if data is None:
            raise UnknownId("article", article_id)
        return ArticleFacts.from_dict(json.loads(data))

    def stories_of_article(self, article_id: str) -> list[str]:
        with self._read() as conn:
            rows = conn.execute(
                select(t.story_articles.c.story_id)
                .where(t.story_articles.c.article_id == article_id)
                .order_by(t.story_articles.c.story_id)
            )
            return [r.story_id for r in rows]

    def article_ids(self) -> list[str]:
        with self._read() as conn:
            return [r.id for r in conn.execute(select(t.articles.c.id).order_by(t.articles.c.id))]

    def counts(self) -> dict[str, int]:
        with self._read() as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
                for name, table in (
                    ("articles", t.articles),
                    ("article_facts", t.article_facts),
                    ("article_vectors", t.article_vectors),
                    ("stories", t.stories),
                    ("story_articles", t.story_articles),
                )
            }

    def dossier(self, story_id: str | None = None) -> Dossier:
        """The dossier of one story (its articles only) or of the whole store, as ``storytrace analyze`` writes it."""
        from storytrace.dossier import build_dossier

        if story_id is not None:
            story = self.get_story(story_id)
            articles = [self.get_article(a) for a in story.articles]
            stories = [story]
        else:
            with self._read() as conn:
                rows = conn.execute(select(t.articles.c.data).order_by(t.articles.c.id))
                articles = [Article.from_dict(json.loads(r.data)) for r in rows]
                rows = conn.execute(select(t.stories.c.dossier).order_by(t.stories.c.n_articles.desc(), t.stories.c.id))
                stories = [Story.from_dict(json.loads(r.dossier)) for r in rows]
        decided = self.decisions()
        if decided:  # kept beside the analysis, so a confirmation or a dismissal needs no re-analysis
            by_id = {a.id: a for a in articles}
            for story in stories:
                story.decisions = review.bearing_on(story, decided, by_id)
        dossier = build_dossier(articles, stories, [], Options())
        with self._read() as conn:
            settings = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "settings")).scalar()
        if settings:
            dossier.settings = json.loads(settings)
        return dossier


@dataclass
class _Snapshot:
    articles: list[Article]
    facts: dict[str, ArticleFacts]
    vectors: dict[str, np.ndarray]
    previous: dict[str, list[str]]  # story id -> sorted member ids
    fingerprint: str | None
    generation: int
    decisions: list[Decision] = field(default_factory=list)  # the editor's, in the order made
    declared: dict[str, str | None] = field(default_factory=dict)  # story id -> digest of the declarations applied
    # set when the snapshot holds only the articles being attached and the stories they reach (_grow_snapshot):
    # how many articles the store held, for the optimistic check
    n_articles: int | None = None


def _read_snapshot(conn: Connection) -> _Snapshot:
    articles = [
        Article.from_dict(json.loads(r.data)) for r in conn.execute(select(t.articles.c.data).order_by(t.articles.c.id))
    ]
    facts = {
        r.article_id: ArticleFacts.from_dict(json.loads(r.data))
        for r in conn.execute(select(t.article_facts.c.article_id, t.article_facts.c.data))
    }
    vectors = {
        r.article_id: np.frombuffer(r.data, dtype="<f4").reshape(-1, r.dim).astype(np.float32)
        for r in conn.execute(select(t.article_vectors))
    }
    previous: dict[str, list[str]] = {}
    declared: dict[str, str | None] = {}
    for row in conn.execute(select(t.stories.c.id, t.stories.c.members, t.stories.c.declared)):
        previous[row.id] = row.members.split()
        declared[row.id] = row.declared
    fingerprint = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "analysis")).scalar()
    decisions = review.read_decisions(conn)
    return _Snapshot(articles, facts, vectors, previous, fingerprint, _generation(conn), decisions, declared)


def _load_articles(
    conn: Connection, ids: Sequence[str]
) -> tuple[list[Article], dict[str, ArticleFacts], dict[str, np.ndarray]]:
    """The articles ``ids`` with their facts and vectors, a bounded IN (...) list at a time."""
    from storytrace.store.index import CHUNK

    arts: list[Article] = []
    facts: dict[str, ArticleFacts] = {}
    vectors: dict[str, np.ndarray] = {}
    ids = sorted(set(ids))
    for s in range(0, len(ids), CHUNK):
        part = ids[s : s + CHUNK]
        rows = conn.execute(select(t.articles.c.data).where(t.articles.c.id.in_(part)).order_by(t.articles.c.id))
        arts += [Article.from_dict(json.loads(r.data)) for r in rows]
        fq = select(t.article_facts.c.article_id, t.article_facts.c.data).where(t.article_facts.c.article_id.in_(part))
        facts.update({r.article_id: ArticleFacts.from_dict(json.loads(r.data)) for r in conn.execute(fq)})
        vq = select(t.article_vectors).where(t.article_vectors.c.article_id.in_(part))
        vectors.update({
            r.article_id: np.frombuffer(r.data, dtype="<f4").reshape(-1, r.dim).astype(np.float32)
            for r in conn.execute(vq)
        })  # fmt: skip
    return arts, facts, vectors


def _read_grow(conn: Connection, fingerprint: str, options: Options) -> _Snapshot | None:
    from storytrace.store import index

    # the generation and the count first: anything written after them makes the story write start again
    generation, n = _generation(conn), _n_articles(conn)
    stored = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "analysis")).scalar()
    if stored != fingerprint or not index.complete(conn, options.stories, n):
        return None
    decisions = review.read_decisions(conn)
    # a merge, split or declaration stored without its story update (its process died in between): a full update
    # applies it, since any story may bear on it
    if conn.execute(select(t.meta.c.value).where(t.meta.c.key == "decided")).scalar() != _decided(options, decisions):
        return None
    new_ids = index.pending_ids(conn)
    new, facts, vectors = _load_articles(conn, new_ids)
    reach = index.candidates(
        conn, index.entries_of(new, facts, vectors, options.stories), index.days_of(conn, new_ids), options.stories
    )
    story_ids = _stories_of(conn, sorted(reach))
    edits = review.with_decisions(options, decisions).stories.edits
    if edits:  # an editor's merge or split that names an article here brings in the stories of all its articles
        members = set(new_ids) | reach
        for m in _members(conn, story_ids).values():
            members.update(m)
        tied = {a for e in edits if members & {*e.articles, *e.apart_from} for a in (*e.articles, *e.apart_from)}
        story_ids = sorted(set(story_ids) | set(_stories_of(conn, sorted(tied))))
    previous: dict[str, list[str]] = {}
    declared: dict[str, str | None] = {}
    for s in range(0, len(story_ids), index.CHUNK):
        q = select(t.stories.c.id, t.stories.c.members, t.stories.c.declared).where(
            t.stories.c.id.in_(story_ids[s : s + index.CHUNK])
        )
        for row in conn.execute(q):
            previous[row.id] = row.members.split()
            declared[row.id] = row.declared
    old, old_facts, old_vectors = _load_articles(conn, sorted({a for m in previous.values() for a in m}))
    articles = sorted([*new, *old], key=lambda a: a.id)
    return _Snapshot(
        articles, {**facts, **old_facts}, {**vectors, **old_vectors}, previous, stored, generation, decisions,
        declared, n_articles=n,
    )  # fmt: skip


def _decided(options: Options, decisions: Sequence[Decision]) -> str:
    """Digest of what the editor's decisions change in an analysis (merges, splits, declarations; not confirmations
    or dismissals, which need none)."""
    o = review.with_decisions(options, decisions)
    return hashlib.sha256(repr((o.stories.edits, o.reuse.declarations)).encode("utf-8")).hexdigest()[:32]


def _stories_of(conn: Connection, article_ids: Sequence[str]) -> list[str]:
    from storytrace.store.index import CHUNK

    out: set[str] = set()
    for s in range(0, len(article_ids), CHUNK):
        q = select(t.story_articles.c.story_id).where(t.story_articles.c.article_id.in_(article_ids[s : s + CHUNK]))
        out.update(r.story_id for r in conn.execute(q))
    return sorted(out)


def _members(conn: Connection, story_ids: Sequence[str]) -> dict[str, list[str]]:
    from storytrace.store.index import CHUNK

    out: dict[str, list[str]] = {}
    for s in range(0, len(story_ids), CHUNK):
        q = select(t.stories.c.id, t.stories.c.members).where(t.stories.c.id.in_(story_ids[s : s + CHUNK]))
        out.update({r.id: r.members.split() for r in conn.execute(q)})
    return out


def _generation(conn: Connection) -> int:
    """How many times stories were written: the optimistic-concurrency check of update_stories."""
    value = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "stories_generation")).scalar()
    return int(value) if value else 0


def _n_articles(conn: Connection) -> int:
    # Articles are only ever added, never deleted, so an equal count means the same set of articles.
    return int(conn.execute(select(func.count()).select_from(t.articles)).scalar() or 0)


def _insert_or_skip(conn: Connection, table: Table) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING in both dialects: a row another writer inserted first is left alone."""
    if conn.dialect.name == "postgresql":
        return pg_dialect.insert(table).on_conflict_do_nothing()
    return sqlite_dialect.insert(table).on_conflict_do_nothing()


def transient(exc: BaseException) -> bool:
    """A database error that goes away when the transaction is tried again: SQLite busy or locked, PostgreSQL
    serialization failure or deadlock."""
    orig = getattr(exc, "orig", None) or exc
    if getattr(orig, "sqlstate", None) in _PG_RETRY_STATES:
        return True
    message = str(orig).lower()
    return "database is locked" in message or "database table is locked" in message or "database is busy" in message


def _merge_origins(have: Sequence[str], new: Sequence[str]) -> list[str]:
    out = list(have)
    for o in new:
        if o not in out:
            out.append(o)
    return out


def _set_meta(conn: Connection, key: str, value: str) -> None:
    if conn.execute(select(t.meta.c.key).where(t.meta.c.key == key)).first() is None:
        conn.execute(insert(t.meta).values(key=key, value=value))
    else:
        conn.execute(update(t.meta).where(t.meta.c.key == key).values(value=value))


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
