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
    # every article it derives from, transitively, through links whose direction is decided: an undecided link
    # (most often a common source) is no arrow and grounds no accusation
    sources: dict[str, set[str]] = field(default_factory=dict)
    off_topic: set[tuple[str, int]] = field(default_factory=set)  # (article, sentence) not about the story
    # (derived, source) -> the derived sentences a partial take reused, or None when the whole article derives (copy,
    # rewrite): only there can the derived article be held to its source; the rest is its own reporting
    comparable: dict[tuple[str, str], set[int] | None] = field(default_factory=dict)
    # derived sentences that reuse evidence aligns to a source sentence, per article (any link, decided or not)
    taken: dict[str, set[int]] = field(default_factory=dict)

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
        comparable: dict[tuple[str, str], set[int] | None] = {}
        taken: dict[str, set[int]] = {}
        for r in reuse:
            if r.derived not in direct or r.source not in direct or r.source == r.derived:
                continue
            evidence = set()
            for e in r.evidence:
                evidence.update(e.to_sentence if isinstance(e.to_sentence, list) else [e.to_sentence])
            taken.setdefault(r.derived, set()).update(evidence)
            if r.direction != "decided":
                continue
            direct[r.derived].add(r.source)
            comparable[(r.derived, r.source)] = evidence if r.kind == "partial" else None
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
        return cls(ids, articles, facts, vectors, reuse, grps, group_of, sources, set(), comparable, taken)

    def held_to_source(self, article: str, sentences: list[int]) -> bool:
        """Whether these sentences of ``article`` stand in a passage it took from a source (decided direction)."""
        for (derived, _src), reused in self.comparable.items():
            if derived == article and (reused is None or any(s in reused for s in sentences)):
                return True
        return False

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
