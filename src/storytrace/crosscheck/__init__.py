"""Cross-check: independent corroboration, contradictions, additions, altered quotes, off-topic, timeline, summary.

The stage runs, per story: off-topic material first (it is not claimed), then claim alignment (``align``), story
claims and their status (``status``), conflicts (``conflicts``), quote fidelity (``quotes``), the timeline and the
summary. Each module is a plain function over records; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from storytrace.crosscheck.align import align, claim_items
from storytrace.crosscheck.conflicts import order_conflicts, pair_conflicts, role_conflicts
from storytrace.crosscheck.context import StoryContext, first_sentence
from storytrace.crosscheck.offtopic import find_off_topic
from storytrace.crosscheck.order import sentence_order_conflicts
from storytrace.crosscheck.quotes import compare_quote, quote_conflicts, quote_fidelity
from storytrace.crosscheck.status import build_claims
from storytrace.crosscheck.summary import build_summary
from storytrace.crosscheck.timeline import build_timeline
from storytrace.options import CrosscheckOptions
from storytrace.records import Article, ArticleFacts, Conflict, Reuse, StoryFindings, StoryGroup

__all__ = ["compare_quote", "crosscheck"]


def _link_story_entities(facts_list: list[ArticleFacts]) -> None:
    """Story-wide entity keys (the claims stage's linker, in place): "Ruiz", "the fire chief" and "Ana Ruiz" must
    be one person before quotes and roles are compared across articles. Idempotent, so a pipeline that already
    linked the story loses nothing."""
    try:
        from storytrace.claims.entities import link_entities
    except ImportError:  # pragma: no cover - the claims stage is part of the package
        return
    link_entities(facts_list)


def crosscheck(
    story: StoryGroup,
    articles: Mapping[str, Article],
    facts: Mapping[str, ArticleFacts],
    vectors: Mapping[str, np.ndarray],
    reuse: Sequence[Reuse],
    groups: Sequence[Sequence[str]],
    options: CrosscheckOptions | None = None,
    texts: Mapping[str, np.ndarray] | None = None,
) -> StoryFindings:
    """The story's findings. ``vectors``: each article's sentence vectors; ``texts``: the vectors of the other texts
    compared by meaning (``claims.clauses.compared_texts``), which the pipeline embeds once, upstream, with the
    sentences (``pipeline.analyze_story`` always passes them). A caller without them, a bench or a test, gets the
    same vectors embedded here."""
    if texts is None:
        from storytrace.embed import compared_vectors

        texts = compared_vectors([articles[a] for a in story.articles if a in articles], facts)
    _link_story_entities([facts[a] for a in story.articles if a in facts])
    ctx = StoryContext.build(story.articles, articles, facts, vectors, reuse, groups)
    off_topic = find_off_topic(ctx, options)
    items = claim_items(ctx, texts)
    clusters = align(items)
    claims, claim_members, n_cluster = build_claims(ctx, items, clusters)

    story_claim_of: dict[str, str] = {}  # ArticleClaim id -> story claim id
    for sc, members in zip(claims, claim_members, strict=True):
        for k in members:
            story_claim_of[items[k].claim.id] = sc.id
    subs_by_cluster: dict[int, list[int]] = {}
    for n in range(len(claim_members)):
        subs_by_cluster.setdefault(n_cluster[n], []).append(n)

    pairs = []
    for subs in subs_by_cluster.values():
        for i, x in enumerate(subs):
            for y in subs[i + 1 :]:
                pairs.append(
                    (
                        [items[k] for k in claim_members[x]],
                        [items[k] for k in claim_members[y]],
                        claims[x].id,
                        claims[y].id,
                    )
                )
    conflicts: list[Conflict] = pair_conflicts(ctx, pairs)
    claim_of_sentence = {(it.article, first_sentence(it.sentence)): story_claim_of[it.claim.id] for it in items}
    conflicts += role_conflicts(ctx, claim_of_sentence)
    cluster_of_claim = {it.claim.id: it.cluster for it in items}
    items_by_claim = {it.claim.id: it for it in items}
    conflicts += order_conflicts(ctx, cluster_of_claim, items_by_claim, story_claim_of)
    if not any(x.kind == "order" for x in conflicts):
        conflicts += sentence_order_conflicts(ctx, texts)
    quotes = quote_fidelity(ctx, options)
    conflicts += quote_conflicts(ctx, quotes, claim_of_sentence)
    for n, conflict in enumerate(conflicts):
        conflict.id = f"x{n + 1}"
    by_claim = {c.id: c for c in claims}
    for conflict in conflicts:
        for cid in conflict.claims:
            if cid in by_claim and conflict.id not in by_claim[cid].conflicts:
                by_claim[cid].conflicts.append(conflict.id)

    return StoryFindings(
        claims=claims,
        quotes=quotes,
        conflicts=conflicts,
        off_topic=off_topic,
        timeline=build_timeline(claims),
        summary=build_summary(claims, conflicts),
    )
