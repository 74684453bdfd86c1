"""Cross-check: independent corroboration, contradictions, additions, altered quotes, off-topic, timeline, summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from storytrace.options import CrosscheckOptions
from storytrace.records import Article, ArticleFacts, Reuse, StoryFindings, StoryGroup

__all__ = ["crosscheck"]


def crosscheck(
    story: StoryGroup,
    articles: Mapping[str, Article],
    facts: Mapping[str, ArticleFacts],
    vectors: Mapping[str, np.ndarray],
    reuse: Sequence[Reuse],
    groups: Sequence[Sequence[str]],
    options: CrosscheckOptions | None = None,
) -> StoryFindings:
    """Provisional: empty findings; the cross-check stage replaces it."""
    return StoryFindings()
