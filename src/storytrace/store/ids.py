"""Stable story ids: when regrouping after new articles, each new story takes the id of the stored story it
overlaps most, so links and citations to a story keep working as it grows, merges or splits."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from storytrace.records import StoryGroup


def carry_ids(new_groups: Sequence[StoryGroup], previous: Iterable[StoryGroup]) -> list[StoryGroup]:
    """Give each of ``new_groups`` the id of the previous story it shares most articles with (each previous id used
    at most once: the larger overlap wins, ties by Jaccard then by id). Groups without a match keep their own id,
    unless a previous story used it, in which case a fresh one is derived from their members."""
    prev = {g.id: set(g.articles) for g in previous}
    pairs: list[tuple[int, float, str, int]] = []
    for n, g in enumerate(new_groups):
        members = set(g.articles)
        for pid, pmembers in prev.items():
            shared = len(members & pmembers)
            if shared:
                pairs.append((-shared, -shared / len(members | pmembers), pid, n))
    assigned: dict[int, str] = {}
    used: set[str] = set()
    for _, _, pid, n in sorted(pairs):
        if n in assigned or pid in used:
            continue
        assigned[n] = pid
        used.add(pid)
    taken = set(prev) | {g.id for g in new_groups}
    out: list[StoryGroup] = []
    for n, g in enumerate(new_groups):
        sid = assigned.get(n)
        if sid is None:
            sid = g.id
            if sid in prev or sid in used:
                sid = _fresh_id(g, taken)
            used.add(sid)
            taken.add(sid)
        out.append(StoryGroup(id=sid, headline=g.headline, articles=list(g.articles)))
    return out


def _fresh_id(group: StoryGroup, taken: set[str]) -> str:
    seed = " ".join(sorted(group.articles))
    n = 0
    while True:
        sid = "s-" + hashlib.sha256(f"{seed}#{n}".encode()).hexdigest()[:12]
        if sid not in taken:
            return sid
        n += 1
