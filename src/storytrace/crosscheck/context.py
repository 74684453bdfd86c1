"""What every cross-check module needs to know about one story, computed once."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from storytrace.records import Article, ArticleFacts, Reuse


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


@dataclass
class StoryContext:
    article_ids: list[str]
    articles: Mapping[str, Article]
    facts: Mapping[str, ArticleFacts]
    vectors: Mapping[str, np.ndarray]
    reuse: Sequence[Reuse]
    groups: list[list[str]]
    group_of: dict[str, int] = field(default_factory=dict)
    sources: dict[str, set[str]] = field(default_factory=dict)  # every article it derives from, transitively
    off_topic: set[tuple[str, int]] = field(default_factory=set)  # (article, sentence) not about the story

    @classmethod
    def build(
        cls,
        article_ids: Sequence[str],
        articles: Mapping[str, Article],
        facts: Mapping[str, ArticleFacts],
        vectors: Mapping[str, np.ndarray],
        reuse: Sequence[Reuse],
        groups: Sequence[Sequence[str]],
    ) -> StoryContext:
        ids = list(article_ids)
        grps = [list(g) for g in groups] or [[a] for a in ids]
        group_of = {a: i for i, g in enumerate(grps) for a in g}
        for a in ids:  # an article the groups forgot is its own group rather than silently merged
            if a not in group_of:
                grps.append([a])
                group_of[a] = len(grps) - 1
        direct: dict[str, set[str]] = {a: set() for a in ids}
        for r in reuse:
            if r.derived in direct and r.source in direct and r.source != r.derived:
                direct[r.derived].add(r.source)
        sources: dict[str, set[str]] = {}
        for a in ids:
            seen: set[str] = set()
            stack = list(direct[a])
            while stack:
                s = stack.pop()
                if s in seen or s == a:
                    continue
                seen.add(s)
                stack.extend(direct.get(s, ()))
            sources[a] = seen
        return cls(ids, articles, facts, vectors, reuse, grps, group_of, sources)

    def is_derived(self, article: str) -> bool:
        return bool(self.sources.get(article))

    def label(self, article: str) -> str:
        """How an explanation names an article: its outlet, else its file name."""
        a = self.articles[article]
        if a.outlet:
            return a.outlet
        return os.path.basename(a.origin) or article[:8]

    def sentence(self, article: str, index: int) -> str:
        return self.articles[article].sentence_text(index)

    def sentence_vector(self, article: str, ref: int | list[int]) -> np.ndarray:
        vecs = self.vectors.get(article)
        idx = ref if isinstance(ref, list) else [ref]
        if vecs is None or not len(idx) or max(idx) >= len(vecs):
            return np.zeros(384, dtype=np.float32)
        return _unit(vecs[idx].mean(axis=0))

    def published(self, article: str) -> str | None:
        return self.articles[article].published


def first_sentence(ref: int | list[int]) -> int:
    return ref[0] if isinstance(ref, list) and ref else (ref if isinstance(ref, int) else 0)
