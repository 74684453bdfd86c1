"""Claims: what each article says — claims with their parts, numbers, dates, quotes and speakers, event order."""

from __future__ import annotations

from collections.abc import Sequence

from storytrace.options import ClaimOptions
from storytrace.records import Article, ArticleClaim, ArticleFacts

__all__ = ["extract_facts"]


def extract_facts(articles: Sequence[Article], options: ClaimOptions | None = None) -> list[ArticleFacts]:
    """Provisional: one claim per sentence; the claims stage replaces it."""
    out = []
    for a in articles:
        claims = [
            ArticleClaim(id=f"{a.id}:c{i}", article=a.id, sentence=i, text=a.text[s:e])
            for i, (s, e) in enumerate(a.sentences)
        ]
        out.append(ArticleFacts(article=a.id, claims=claims))
    return out
