"""Reuse: who copied or rewrote whom inside a story, with sentence-level evidence; source groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from storytrace.options import ReuseOptions
from storytrace.records import Article, ArticleFacts, Reuse

__all__ = ["find_reuse", "source_groups"]


def find_reuse(
    articles: Sequence[Article],
    vectors: Mapping[str, np.ndarray],
    facts: Mapping[str, ArticleFacts],
    options: ReuseOptions | None = None,
) -> list[Reuse]:
    """Provisional: no reuse; the reuse stage replaces it."""
    return []


def source_groups(article_ids: Sequence[str], reuse: Sequence[Reuse]) -> list[list[str]]:
    """Partition a story's articles into groups connected by reuse (each article in exactly one group)."""
    parent = {a: a for a in article_ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in reuse:
        if r.source in parent and r.derived in parent:
            a, b = find(r.source), find(r.derived)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for a in article_ids:
        groups.setdefault(find(a), []).append(a)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
