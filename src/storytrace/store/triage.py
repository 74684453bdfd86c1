"""The store's stories, counted and filtered for triage (:mod:`storytrace.dossier.triage` holds the definitions).

Counts are made from each story's stored JSON, the same record the story page renders, so the list and the page
cannot disagree (the ``n_contested`` column beside it is only a sort key of older stores). Every call reads every
matching story once: fine for thousands of stories, as the outlets pages are.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from storytrace.dossier.triage import Member, StoryCounts, Triaged, TriageFilter, story_counts, triage
from storytrace.records import Story
from storytrace.store import tables as t
from storytrace.store.store import Store


def story_rows(store: Store, search: str | None = None) -> list[StoryCounts]:
    """The triage counts of every stored story (only those matching ``search``, as ``Store.list_stories`` searches),
    in no particular order."""
    wanted = {r.id for r in store.list_stories(search)} if search and search.strip() else None
    with store._read() as conn:
        members: dict[str, Member] = {}
        query = select(t.story_articles.c.story_id, t.articles.c.id, t.articles.c.outlet, t.articles.c.published).join(
            t.articles, t.articles.c.id == t.story_articles.c.article_id
        )
        for row in conn.execute(query):
            if wanted is not None and row.story_id not in wanted:
                continue
            members[row.id] = Member(row.outlet, row.published)
        rows: list[StoryCounts] = []
        for story_row in conn.execute(select(t.stories.c.id, t.stories.c.dossier)):
            if wanted is not None and story_row.id not in wanted:
                continue
            story = Story.from_dict(json.loads(story_row.dossier))
            rows.append(story_counts(story, members))
    return rows


def triage_stories(store: Store, flt: TriageFilter | None = None, sort: str = "size") -> Triaged:
    """The stored stories ``flt`` keeps, sorted; with how many smaller ones it hides (see ``Triaged``)."""
    flt = flt or TriageFilter()
    found = triage(story_rows(store, flt.search), flt, sort)
    if flt.search:  # the total is the store's, not the search's
        found.total = len(store.list_stories())
    return found


__all__ = ["story_rows", "triage_stories"]
