"""When an article was written relative to the story's events: a preview ("is set to meet on Friday") is written
before the event it is about, a report ("met on Friday") after it. A preview and a report differ in tense, in
figures ("is expected to draw 40 teams" / "42 teams took part") and sometimes in dates without either being wrong,
so the conflict rules never set one against the other.
"""

from __future__ import annotations

import re
from datetime import date

from storytrace.crosscheck.context import StoryContext

# Planned or expected modality in an article's opening: what the article is about has not happened yet. Plain
# "will" is left out: a report of an announcement ("California will require ...") is written after its event.
_PLANNED = re.compile(
    r"\b(?:is|are|was|were)\s+(?:set|expected|scheduled|due|poised|slated|likely|planning|preparing)\s+to\b|"
    r"\b(?:plans?|intends?|hopes?)\s+to\b|\bahead of\b|\bupcoming\b|\bwill\s+(?:meet|vote|decide|announce|hold|"
    r"open|begin|start|face|host|gather|travel|visit|hear|rule|launch)\b",
    re.IGNORECASE,
)
LEAD_SENTENCES = 2  # the opening says what the article is about: the headline-like lead and the next sentence


def _day(value: str | None) -> date | None:
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def is_preview(ctx: StoryContext, article: str) -> bool:
    """Whether the article's opening looks ahead: planned modality, or a day-precise date after its publication."""
    art = ctx.articles[article]
    n = min(LEAD_SENTENCES, len(art.sentences))
    lead = " ".join(art.sentence_text(i) for i in range(n))
    if _PLANNED.search(lead):
        return True
    published = _day(ctx.published(article))
    facts = ctx.facts.get(article)
    if published is None or facts is None:
        return False
    for claim in facts.claims:
        sentences = claim.sentence if isinstance(claim.sentence, list) else [claim.sentence]
        if min(sentences, default=n) >= n:
            continue
        for d in claim.dates:
            when = _day(d.value)
            if when is not None and d.precision == "day" and when > published:
                return True
    return False


def previews(ctx: StoryContext) -> set[str]:
    return {a for a in ctx.article_ids if is_preview(ctx, a)}
