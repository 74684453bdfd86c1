"""The statements inside one sentence: the clauses a claim joins, and an order of events the sentence states.

The cross-check compares these parts across articles by meaning, so their texts are known here, where facts are
made, and the embed stage embeds them once with the sentences (``compared_texts``); the cross-check reads the
vectors and embeds nothing.

- ``claim_parts``: "17 ships waited off the port after a fire on Tuesday destroyed a warehouse" joins two
  statements, each aligned on its own; a claim that makes one statement is one part, with a vector of its own only
  when its words are not its sentence's.
- ``stated_orders``: "X, and an hour later Y", "X first, after which Y", "Y after X" — which event came first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from storytrace.records import Article, ArticleClaim, ArticleFacts

__all__ = ["ClaimPart", "StatedOrder", "claim_parts", "clause_spans", "compared_texts", "stated_orders"]

# where one sentence joins two statements: "..., two days after a fire destroyed ...", "..., forcing ..."
# a bare "after"/"before" joins two events ("17 ships waited after a fire destroyed a warehouse"), except in a time
# expression ("just after 9 p.m.", "shortly before midnight"), which dates one event
_CLAUSE_SPLIT = re.compile(
    r",\s+(?:\w+\s+){0,3}?(?:after|before|when|while|as|because|forcing|which|and)\s+"
    r"|(?<!just)(?<!shortly)(?<!soon)(?<!right)(?<!long)\s+(?:after|before)\s+(?!\d|midnight|noon|dawn|dusk|daybreak)"
)


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the statements one sentence joins (one span when it makes one statement)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    if len(spans) < 2 or any(len(text[a:b].split()) < 5 for a, b in spans):
        return [(0, len(text))]
    return spans


@dataclass(frozen=True)
class ClaimPart:
    """One statement of a claim: ``claim.text[start:end]``. ``own_vector``: compared by a vector of its own words
    (a clause of a sentence that joins two, or a claim whose words are not its sentence's), else by its sentence's."""

    start: int
    end: int
    text: str
    own_vector: bool


def claim_parts(article: Article, claim: ArticleClaim) -> list[ClaimPart]:
    refs = claim.sentence if isinstance(claim.sentence, list) else [claim.sentence]
    sent_text = " ".join(article.sentence_text(r) for r in refs if 0 <= r < len(article.sentences))
    spans = clause_spans(claim.text)
    whole = len(spans) == 1
    differs = bool(claim.text.strip()) and " ".join(claim.text.split()) != " ".join(sent_text.split())
    return [ClaimPart(s, e, claim.text[s:e], not whole or differs) for s, e in spans]


# (pattern, True when group 1 happened first)
_CUES = [
    (
        re.compile(
            r"^(.{15,}?),?\s+(?:and\s+)?(?:about |roughly |some )?(?:an? |\w+ )?(?:hours?|minutes?|days?)?\s*later,?\s+(.{15,})$",
            re.I,
        ),
        True,
    ),
    (re.compile(r"^(.{15,}?)\s+first,?\s+after which\s+(.{15,})$", re.I), True),
    (re.compile(r"^(.{15,}?),?\s+(?:and\s+)?then\s+(.{15,})$", re.I), True),
    (re.compile(r"^(.{15,}?)\s+before\s+(.{15,})$", re.I), True),
    (re.compile(r"^(.{15,}?)\s+after\s+(.{15,})$", re.I), False),
]
# "after one season as coach", "before three years of talks": a span of time, not a second event
_DURATION = re.compile(
    r"^(?:nearly |almost |about |more than |just |only )?(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"\d+|several|many|a few|years|months|weeks|days|hours|decades)\s+(?:\w+\s+)?"
    r"(?:seasons?|years?|months?|weeks?|days?|hours?|minutes?|decades?|terms?|games?|matches?)\b",
    re.IGNORECASE,
)
# a part that opens with a time preposition continues a time phrase rather than stating a second event ("carrying
# the ceremony shortly after 9/11 and then after Hurricane Katrina": both times are after something)
_TIME_PREPOSITION = re.compile(r"^(?:after|before|since|until|till|following|during|in|on|at|by)\b", re.IGNORECASE)


def _is_event(part: str) -> bool:
    return not _TIME_PREPOSITION.match(part.strip())


def _inside_aside(before: str) -> bool:
    """Whether the cue sits inside a parenthesis or between dashes ("a week into the trial - more than two years
    after the murder - that a witness came forward"): the aside dates something, it orders nothing."""
    dashes = len(re.findall(r"\s[-–—]\s", before))
    return dashes % 2 == 1 or before.count("(") > before.count(")")


@dataclass
class StatedOrder:
    article: str
    sentence: int
    text: str
    first: str
    second: str


def stated_orders(article: Article) -> list[StatedOrder]:
    """Each sentence of ``article`` that states which of two events came first, in sentence order."""
    out = []
    for i in range(len(article.sentences)):
        text = article.sentence_text(i).strip().rstrip(".")
        for pat, first_is_1 in _CUES:
            m = pat.match(text)
            if m:
                x, y = m.group(1), m.group(2)
                if _DURATION.match(y.strip()) or not _is_event(y) or _inside_aside(x):
                    continue
                out.append(
                    StatedOrder(article.id, i, article.sentence_text(i), x if first_is_1 else y, y if first_is_1 else x)
                )
                break
    return out


def compared_texts(article: Article, facts: ArticleFacts | None) -> Iterator[str]:
    """The texts besides whole sentences that the cross-check compares by meaning: claim parts with a vector of
    their own, and both events of every stated order."""
    for claim in facts.claims if facts is not None else []:
        yield from (p.text for p in claim_parts(article, claim) if p.own_vector)
    for order in stated_orders(article):
        yield order.first
        yield order.second
