"""Stories: group articles about the same real-world event."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np

from storytrace.options import StoryOptions
from storytrace.records import Article, ArticleFacts, StoryGroup

__all__ = ["group_stories"]


def group_stories(
    articles: Sequence[Article],
    facts: Mapping[str, ArticleFacts],
    vectors: Mapping[str, np.ndarray],
    options: StoryOptions | None = None,
) -> list[StoryGroup]:
    """Provisional: every article in one story; the stories stage replaces it."""
    if not articles:
        return []
    ids = sorted(a.id for a in articles)
    sid = "s-" + hashlib.sha256(ids[0].encode()).hexdigest()[:12]
    return [StoryGroup(id=sid, headline=articles[0].title or "", articles=ids)]
