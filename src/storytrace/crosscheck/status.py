"""Story claims and their status.

An aligned cluster is split into sub-claims whose details can all hold together (numbers, dates, negation, tense);
each sub-claim is one story claim. ``independent_sources`` counts the source groups among its mentions, so a wire
story and its copies count once. A claim is an ``unsupported_addition`` when every article stating it derives from
another (a reuse ``to``) and none of those sources supports it: no aligned claim in the source, and no source
sentence that carries it (close in meaning, with its numbers and most of its content words).
"""

from __future__ import annotations

import re

import numpy as np

from storytrace.crosscheck.align import ClaimItem
from storytrace.crosscheck.conflicts import disagreements
from storytrace.crosscheck.context import StoryContext
from storytrace.crosscheck.text import content_stems
from storytrace.records import ClaimMention, StoryClaim

SUPPORT_COS = 0.75  # a source sentence this close, carrying the claim's figures and words, supports it
SUPPORT_STEMS = 0.6
SUPPORT_COS_HIGH = 0.85  # a paraphrase this close needs fewer shared words ("brought out" for "evacuated")
# MiniLM puts light rewordings of one fact near 0.7 ("The blaze started shortly after 9 p.m. in Warehouse 6" / "the
# fire broke out just after 9 p.m. in Warehouse 6"): with most content words and every figure shared, that supports
SUPPORT_COS_LEXICAL = 0.65
SUPPORT_STEMS_LEXICAL = 0.75
# opinion, first-person asides and lead-ins to a quoted passage are not factual claims: never accused of being added
_NOT_FACTUAL = re.compile(r"\b(I|I'm|I've|my|should|ought to|must|hope|think|believe|in my view)\b|[:?]\s*$")


def opinion_or_lead_in(text: str) -> bool:
    """Opinion, a first-person aside, a question or a lead-in to a quoted passage (judged outside quotes)."""
    return bool(_NOT_FACTUAL.search(re.sub(r"[\"“][^\"”]*[\"”]", " ", text)))


def factual(item: ClaimItem) -> bool:
    return item.claim.modality in ("asserted", "reported") and not opinion_or_lead_in(item.text)


def split_cluster(ctx: StoryContext, items: list[ClaimItem], members: list[int]) -> list[list[int]]:
    """Greedy: each claim joins the first sub-claim it agrees with in every detail, else opens its own."""
    subs: list[list[int]] = []
    for k in members:
        for sub in subs:
            if all(not disagreements(ctx, items[k], items[j]) for j in sub):
                sub.append(k)
                break
        else:
            subs.append([k])
    return subs


def mention(item: ClaimItem) -> ClaimMention:
    c = item.claim
    return ClaimMention(
        article=item.article,
        sentence=item.sentence,
        text=item.text,
        claim=c.id,
        numbers=list(item.numbers),
        dates=list(item.dates),
        negated=item.negated,
        modality=c.modality,
    )


def _figures_in(text: str, item: ClaimItem) -> bool:
    for n in item.numbers:
        digits = re.sub(r"[^0-9]", "", n.text)
        if digits and digits not in re.sub(r"[^0-9 ]", "", text):
            return False
    return True


def supported_by_source(ctx: StoryContext, item: ClaimItem) -> bool:
    """Whether any source of the item's article carries the claim in a sentence of its own."""
    for src in sorted(ctx.sources.get(item.article, ())):
        vecs = ctx.vectors.get(src)
        art = ctx.articles.get(src)
        if vecs is None or art is None or not len(vecs):
            continue
        sims = vecs @ item.vector
        for i in np.argsort(-sims)[:3]:
            if sims[i] < SUPPORT_COS_LEXICAL or (src, int(i)) in ctx.off_topic:
                break
            text = art.sentence_text(int(i))
            stems = content_stems(text)
            share = len(item.stems & stems) / max(len(item.stems), 1)
            close = (sims[i] >= SUPPORT_COS and share >= SUPPORT_STEMS) or (
                sims[i] >= SUPPORT_COS_HIGH and share >= 0.4
            )
            if (close or share >= SUPPORT_STEMS_LEXICAL) and _figures_in(text, item):
                return True
    return False


def build_claims(
    ctx: StoryContext, items: list[ClaimItem], clusters: list[list[int]]
) -> tuple[list[StoryClaim], list[list[int]], list[int]]:
    """Story claims (ids "c1", "c2", ...), the item indices of each, and the aligned cluster of each."""
    claims: list[StoryClaim] = []
    claim_items: list[list[int]] = []
    claim_cluster: list[int] = []  # the aligned cluster each story claim comes from
    for ci, members in enumerate(clusters):
        subs = split_cluster(ctx, items, members)
        for sub in subs:
            claim_cluster.append(ci)
            its = [items[k] for k in sub]
            groups = sorted({ctx.group_of[it.article] for it in its})
            # the text shown is the mention of the earliest original (non-derived) article, else the first
            rep = min(its, key=lambda it: (ctx.is_derived(it.article), ctx.published(it.article) or "9999", it.order))
            status = "corroborated" if len(groups) >= 2 else "single_source"
            if all(ctx.is_derived(it.article) for it in its) and all(factual(it) for it in its):
                sources = set().union(*(ctx.sources[it.article] for it in its))
                in_source = any(items[j].article in sources for j in members if j not in sub)
                # an aligned source claim that disagrees in detail does not support this version
                agreeing_source = any(it.article in sources for it in its)
                if not agreeing_source and (in_source or not any(supported_by_source(ctx, it) for it in its)):
                    status = "unsupported_addition"
            claims.append(
                StoryClaim(
                    id=f"c{len(claims) + 1}",
                    text=rep.text,
                    mentions=[mention(it) for it in its],
                    independent_sources=len(groups),
                    status=status,  # type: ignore[arg-type]
                    groups=groups,
                )
            )
            claim_items.append(sub)
    return claims, claim_items, claim_cluster
