"""The story index: how a store finds, for new articles, the stored articles they may share a story with, without
reading every stored article.

Each article's entries (:func:`storytrace.stories.grow.index_entries`: MinHash band keys, name keys, lead vector)
are written with the article, in its transaction (``article_index``, ``article_keys``). For a batch of new articles
the candidates are, within the time horizon (``StoryOptions.horizon_days``) of each new article:

- the articles sharing one of its band keys (a bucket larger than the near-duplicate stage's ``max_bucket`` gives
  its smallest article only, as the stage's star does);
- the articles sharing one of its name keys, when the key's posting list in the window is no longer than
  ``StoryOptions.max_posting`` (the name-sharing candidates' cap: a country's name proposes nothing);
- its ``StoryOptions.neighbours`` nearest lead vectors at cosine ``LEAD_NEIGHBOUR_SIM`` or more.

Every read is bounded by the articles within the horizon of the batch, never by the size of the store. Entries
depend on a few grouping settings (:func:`storytrace.stories.grow.index_params`, kept in ``meta.index``): an index
made with others, or one that misses articles (a store written before the index existed), is rebuilt by the next
full regroup, and until then every story update is a full regroup.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from storytrace.options import StoryOptions
from storytrace.records import Article, ArticleFacts
from storytrace.store import tables as t
from storytrace.stories import LEAD_NEIGHBOUR_SIM, neardup_params
from storytrace.stories.features import _published_days
from storytrace.stories.grow import IndexEntry, index_entries, index_params

CHUNK = 500  # ids per IN (...) list and articles per rebuild transaction: well under SQLite's 32,766 variables


def params_json(options: StoryOptions) -> str:
    return json.dumps(index_params(options, neardup_params(options)), sort_keys=True)


def article_day(article: Article, today: int | None = None) -> int:
    """The day an article counts from for the horizon: its publication date, else the day it was stored."""
    day = _published_days(article.published)
    if day == day:  # not NaN
        return int(day)
    return today if today is not None else _dt.date.today().toordinal() - 719163


def entries_of(
    articles: Sequence[Article],
    facts: Mapping[str, ArticleFacts],
    vectors: Mapping[str, np.ndarray],
    options: StoryOptions,
) -> list[IndexEntry]:
    return index_entries(articles, facts, vectors, options, neardup_params(options))


def write_entries(conn: Connection, entries: Iterable[IndexEntry], days: Mapping[str, int], pending: bool) -> None:
    """Insert the index rows of ``entries`` (in the caller's transaction)."""
    rows, keys = [], []
    for e in entries:
        lead = None if e.lead is None else np.ascontiguousarray(e.lead, dtype="<f4").tobytes()
        rows.append({"article_id": e.article, "day": days[e.article], "pending": pending, "lead": lead})
        day = days[e.article]
        keys += [{"kind": "b", "key": k, "article_id": e.article, "day": day} for k in e.bands]
        keys += [{"kind": "n", "key": k, "article_id": e.article, "day": day} for k in e.names]
    if rows:
        conn.execute(insert(t.article_index), rows)
    if keys:
        conn.execute(insert(t.article_keys), keys)


def complete(conn: Connection, options: StoryOptions, n_articles: int) -> bool:
    """Is the index made with these settings and does it hold every stored article?"""
    have = conn.execute(select(t.meta.c.value).where(t.meta.c.key == "index")).scalar()
    if have != params_json(options):
        return False
    return int(conn.execute(select(func.count()).select_from(t.article_index)).scalar() or 0) == n_articles


def pending_ids(conn: Connection) -> list[str]:
    """Stored articles not yet in a story (new, or left over by a crash before the story transaction)."""
    rows = conn.execute(select(t.article_index.c.article_id).where(t.article_index.c.pending.is_(True)))
    return sorted(r.article_id for r in rows)


def clear_pending(conn: Connection, ids: Sequence[str]) -> None:
    for s in range(0, len(ids), CHUNK):
        part = list(ids[s : s + CHUNK])
        conn.execute(update(t.article_index).where(t.article_index.c.article_id.in_(part)).values(pending=False))


def days_of(conn: Connection, ids: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in range(0, len(ids), CHUNK):
        part = list(ids[s : s + CHUNK])
        q = select(t.article_index.c.article_id, t.article_index.c.day).where(t.article_index.c.article_id.in_(part))
        out.update({r.article_id: r.day for r in conn.execute(q)})
    return out


def candidates(conn: Connection, new: Sequence[IndexEntry], days: Mapping[str, int], options: StoryOptions) -> set[str]:
    """Stored articles (not among ``new``) that the grouping's candidate stage could pair with a new article, found
    through the index only, within the horizon."""
    if not new:
        return set()
    horizon = options.horizon_days
    mine = {e.article for e in new}
    lo = min(days[e.article] for e in new) - horizon
    hi = max(days[e.article] for e in new) + horizon
    found: set[str] = set()
    max_bucket = neardup_params(options).max_bucket
    for kind, cap in (("b", max_bucket), ("n", options.max_posting)):
        wanted: dict[int, list[str]] = defaultdict(list)
        for e in new:
            for k in e.bands if kind == "b" else e.names:
                wanted[k].append(e.article)
        postings: dict[int, list[tuple[str, int]]] = defaultdict(list)
        keys = sorted(wanted)
        for s in range(0, len(keys), CHUNK):
            q = select(t.article_keys.c.key, t.article_keys.c.article_id, t.article_keys.c.day).where(
                t.article_keys.c.kind == kind,
                t.article_keys.c.key.in_(keys[s : s + CHUNK]),
                t.article_keys.c.day.between(lo, hi),
            )
            for r in conn.execute(q):
                postings[r.key].append((r.article_id, r.day))
        for k, posting in postings.items():
            for aid in wanted[k]:
                near = sorted(a for a, d in posting if abs(d - days[aid]) <= horizon)
                if kind == "n" and len(near) > cap:
                    continue  # too common a name to propose pairs (StoryOptions.max_posting)
                if kind == "b" and len(near) > cap:
                    near = near[:1]  # a boilerplate-sized bucket: its smallest article only (the stage's star)
                found.update(a for a in near if a not in mine)
    found |= _lead_neighbours(conn, new, days, lo, hi, options)
    return found - mine


def _lead_neighbours(
    conn: Connection, new: Sequence[IndexEntry], days: Mapping[str, int], lo: int, hi: int, options: StoryOptions
) -> set[str]:
    mine = [e for e in new if e.lead is not None]
    if not mine or options.neighbours <= 0:
        return set()
    q = select(t.article_index.c.article_id, t.article_index.c.day, t.article_index.c.lead).where(
        t.article_index.c.day.between(lo, hi), t.article_index.c.lead.is_not(None)
    )
    ids, day, leads = [], [], []
    own = {e.article for e in new}
    for r in conn.execute(q):
        if r.article_id in own:
            continue
        ids.append(r.article_id)
        day.append(r.day)
        leads.append(np.frombuffer(r.lead, dtype="<f4"))
    if not ids:
        return set()
    stored = np.stack(leads).astype(np.float32)
    stored_day = np.asarray(day)
    found: set[str] = set()
    for e in mine:
        assert e.lead is not None
        sims = stored @ e.lead.astype(np.float32)
        sims[np.abs(stored_day - days[e.article]) > options.horizon_days] = -np.inf
        k = min(options.neighbours, len(ids))
        top = np.argpartition(-sims, k - 1)[:k]
        found.update(ids[i] for i in top if sims[i] >= LEAD_NEIGHBOUR_SIM)
    return found


def rebuild(
    conn: Connection,
    articles: Sequence[Article],
    facts: Mapping[str, ArticleFacts],
    vectors: Mapping[str, np.ndarray],
    options: StoryOptions,
    storied: set[str],
) -> None:
    """Replace the index rows of ``articles`` (in the caller's transaction); ``storied``: those already in a story."""
    ids = [a.id for a in articles]
    for s in range(0, len(ids), CHUNK):
        part = ids[s : s + CHUNK]
        conn.execute(delete(t.article_keys).where(t.article_keys.c.article_id.in_(part)))
        conn.execute(delete(t.article_index).where(t.article_index.c.article_id.in_(part)))
    added: dict[str, str] = {}
    for s in range(0, len(ids), CHUNK):
        q = select(t.articles.c.id, t.articles.c.added_at).where(t.articles.c.id.in_(ids[s : s + CHUNK]))
        added.update({r.id: r.added_at for r in conn.execute(q)})
    days = {a.id: article_day(a, _day(added.get(a.id))) for a in articles}
    entries = entries_of(articles, facts, vectors, options)
    for flag in (True, False):
        write_entries(conn, [e for e in entries if (e.article not in storied) is flag], days, flag)


def _day(stamp: str | None) -> int | None:
    try:
        return _dt.date.fromisoformat(stamp[:10]).toordinal() - 719163 if stamp else None
    except ValueError:
        return None


def mark_built(conn: Connection, options: StoryOptions) -> None:
    value = params_json(options)
    if conn.execute(select(t.meta.c.key).where(t.meta.c.key == "index")).first() is None:
        conn.execute(insert(t.meta).values(key="index", value=value))
    else:
        conn.execute(update(t.meta).where(t.meta.c.key == "index").values(value=value))
