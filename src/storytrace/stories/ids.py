"""Story ids that survive regrouping, and a headline for each story."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from storytrace.records import StoryGroup


def story_id(members: Sequence[str]) -> str:
    """A fresh story's id, derived from its smallest article id (the same members always give the same id)."""
    return "s-" + hashlib.sha256(min(members).encode("utf-8")).hexdigest()[:12]


def stable_ids(groups: Sequence[StoryGroup], previous: Sequence[StoryGroup]) -> list[StoryGroup]:
    """Carry story ids over from ``previous`` (the stories before the new articles arrived) to ``groups``.

    Each new story keeps the id of the previous story it shares most articles with; one previous id goes to one new
    story only (the pairing with the largest overlap wins; ties go to the smaller previous id, then to the new story
    with the smaller first article). Stories that continue none get a fresh id from their members.
    """
    members = [set(g.articles) for g in groups]
    owner: dict[str, int] = {}
    for n, g in enumerate(previous):
        for a in g.articles:
            owner.setdefault(a, n)
    overlaps: dict[tuple[int, int], int] = {}
    for k, m in enumerate(members):
        for a in m:
            if a in owner:
                overlaps[(k, owner[a])] = overlaps.get((k, owner[a]), 0) + 1
    ranked = sorted(overlaps.items(), key=lambda kv: (-kv[1], previous[kv[0][1]].id, min(groups[kv[0][0]].articles)))
    new_id: dict[int, str] = {}
    taken: set[str] = set()
    for (k, n), _ in ranked:
        if k in new_id or previous[n].id in taken:
            continue
        new_id[k] = previous[n].id
        taken.add(previous[n].id)
    used = set(taken) | {g.id for g in previous}
    out = []
    for k, g in enumerate(groups):
        sid = new_id.get(k)
        if sid is None:
            sid = story_id(g.articles) if g.articles else g.id
            base, n = sid, 1
            while sid in used:  # a previous story of the same smallest article now continues elsewhere
                n += 1
                sid = f"{base}-{n}"
            used.add(sid)
        out.append(StoryGroup(id=sid, headline=g.headline, articles=list(g.articles), ties=list(g.ties)))
    return out


def trim(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-—")
    return cut + "…"
