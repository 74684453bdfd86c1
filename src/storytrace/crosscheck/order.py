"""Order of events stated inside one sentence ("X, and an hour later Y", "X first, after which Y", "Y after X").

The claims stage records order between claims (``EventOrder``); a sentence that carries both events is one claim, so
its order is read from the sentence itself (``claims.clauses.stated_orders``). Two articles conflict when the first
event of one matches the second event of the other and vice versa (by embedding), and not the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from storytrace.claims.clauses import StatedOrder
from storytrace.claims.clauses import stated_orders as stated_orders_of
from storytrace.crosscheck.context import StoryContext
from storytrace.crosscheck.text import short
from storytrace.records import Conflict, ConflictSide

MATCH_COS = 0.6


def stated_orders(ctx: StoryContext) -> list[StatedOrder]:
    """The orders the story's articles state (``claims.clauses.stated_orders``), off-topic sentences left out."""
    return [
        o for a in ctx.article_ids for o in stated_orders_of(ctx.articles[a]) if (a, o.sentence) not in ctx.off_topic
    ]


def sentence_order_conflicts(ctx: StoryContext, texts: Mapping[str, np.ndarray]) -> list[Conflict]:
    """``texts``: the vectors of both events of every stated order (``claims.clauses.compared_texts``), computed
    upstream."""
    orders = stated_orders(ctx)
    if len({o.article for o in orders}) < 2:
        return []  # an order conflict needs two articles that each state one
    vecs = np.stack([texts[t] for o in orders for t in (o.first, o.second)])
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
