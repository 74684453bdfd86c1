"""Order of events stated inside one sentence ("X, and an hour later Y", "X first, after which Y", "Y after X").

The claims stage records order between claims (``EventOrder``); a sentence that carries both events is one claim, so
its order is read here from the sentence itself. Two articles conflict when the first event of one matches the
second event of the other and vice versa (by embedding), and not the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.crosscheck.context import StoryContext
from storytrace.crosscheck.text import short
from storytrace.records import Conflict, ConflictSide

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
MATCH_COS = 0.6
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


def stated_orders(ctx: StoryContext) -> list[StatedOrder]:
    out = []
    for a in ctx.article_ids:
        art = ctx.articles[a]
        for i in range(len(art.sentences)):
            if (a, i) in ctx.off_topic:
                continue
            text = art.sentence_text(i).strip().rstrip(".")
            for pat, first_is_1 in _CUES:
                m = pat.match(text)
                if m:
                    x, y = m.group(1), m.group(2)
                    if _DURATION.match(y.strip()) or not _is_event(y) or _inside_aside(x):
                        continue
                    out.append(StatedOrder(a, i, art.sentence_text(i), x if first_is_1 else y, y if first_is_1 else x))
                    break
    return out


def sentence_order_conflicts(ctx: StoryContext) -> list[Conflict]:
    orders = stated_orders(ctx)
    if len({o.article for o in orders}) < 2:
        return []  # an order conflict needs two articles that each state one: nothing to embed otherwise
    from storytrace.embed import embed

    vecs = embed([t for o in orders for t in (o.first, o.second)])
    out: list[Conflict] = []
    # originals first, so that a copy repeating its source's order adds no second accusation
    idx = sorted(range(len(orders)), key=lambda k: (ctx.is_derived(orders[k].article), k))
    orders = [orders[k] for k in idx]
    vecs = vecs.reshape(-1, 2, vecs.shape[-1])[idx].reshape(-1, vecs.shape[-1])
    accused: set[str] = set()
    for i, p in enumerate(orders):
        for j in range(i + 1, len(orders)):
            q = orders[j]
            if p.article == q.article:
                continue
            pf, ps, qf, qs = vecs[2 * i], vecs[2 * i + 1], vecs[2 * j], vecs[2 * j + 1]
            crossed = min(float(pf @ qs), float(ps @ qf))
            straight = max(float(pf @ qf), float(ps @ qs))
            if crossed >= MATCH_COS and crossed > straight + 0.1 and not ({p.article, q.article} & accused):
                accused.add(q.article if ctx.is_derived(p.article) <= ctx.is_derived(q.article) else p.article)
                out.append(
                    Conflict(
                        id="",
                        kind="order",
                        severity="high",
                        claims=[],
                        articles=[p.article, q.article],
                        explanation=(
                            f"The order of events differs: {ctx.label(p.article)} puts “{short(p.first, 70)}” first "
                            f"(“{short(p.text)}”); {ctx.label(q.article)} puts “{short(q.first, 70)}” first "
                            f"(“{short(q.text)}”)."
                        ),
                        sides=[
                            ConflictSide(article=p.article, sentence=p.sentence, text=p.text),
                            ConflictSide(article=q.article, sentence=q.sentence, text=q.text),
                        ],
                    )
                )
    return out
