"""Story claims and their status.

An aligned cluster is split into sub-claims whose details can all hold together (numbers, dates, negation, tense);
each sub-claim is one story claim. ``independent_sources`` counts the source groups among its mentions, so a wire
story and its copies count once.

A claim is an ``unsupported_addition`` — an accusation: "the rewrite added this" — only where derivation is
established and nobody else says it:

* every article stating it takes from a source with a decided direction (no accusation rests on an undecided link),
  and the claim stands in what it took (a partial take makes only its reused passage comparable; the rest is the
  article's own reporting);
* its sentence is not itself aligned to a source sentence by the reuse evidence (a detail changed there is a
  conflict, reported as such);
* no other article of the story — its source, another copy of the source, or an independent group — carries it:
  neither an aligned claim, nor a sentence close in meaning with its figures and most of its content words.

One sentence has one status: when another clause of the same sentence is stated elsewhere, the sentence is not
called an addition, and an added sentence is listed once.

Every story claim says its rule in ``reason``, naming the groups (``G1`` is ``Story.groups[0]``) and articles it
rests on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from storytrace.crosscheck.align import ClaimItem
from storytrace.crosscheck.conflicts import disagreements
from storytrace.crosscheck.context import StoryContext
from storytrace.crosscheck.text import content_stems
from storytrace.records import ClaimMention, StoryClaim

# How close another article's sentence must be to carry a claim. Lenient on purpose: on the bench-trust dev piles
# every "addition" the old, stricter test made (SUPPORT_COS 0.75 / stems 0.6) was stated by the source in other words
# (METER papers rewording PA; OneStopEnglish rewrites), so an addition is only called where nothing comes close.
SUPPORT_CANDIDATES = 5  # best sentences (by cosine) of each other article that are read
SUPPORT_FLOOR = 0.45  # below this cosine a sentence is about something else
SUPPORT_COS = 0.6  # close in meaning, with at least half of the claim's content words
SUPPORT_STEMS = 0.5
SUPPORT_COS_HIGH = 0.7  # a paraphrase this close needs fewer shared words ("brought out" for "evacuated")
SUPPORT_STEMS_LEXICAL = 0.6  # most of the claim's words, however reworded, with its figures
# a looser paraphrase (MiniLM 0.5) with nearly half of the words and every figure: the dev piles' remaining false additions were
# rewordings at this distance ("millions of the snacks had to be returned, costing the firm £3.5million" for "the
# recall of millions of pancakes lost the firm £3.5 million")
SUPPORT_COS_LOOSE = 0.5
SUPPORT_STEMS_LOOSE = 0.45
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


def _share(item: ClaimItem, stems: set[str]) -> float:
    return len(item.stems & stems) / max(len(item.stems), 1)


def supported_by(ctx: StoryContext, item: ClaimItem, others: Iterable[str]) -> bool:
    """Whether any of ``others`` carries the claim: in a sentence of its own, or told across two adjacent sentences.

    Saying "added by the rewrite" when the source says it in other words is the false accusation to avoid, so the
    test is lenient: a sentence close in meaning with most of the claim's words, or nearly all of its words even when
    reworded further, with every figure the claim gives."""
    for src in sorted(others):
        vecs = ctx.vectors.get(src)
        art = ctx.articles.get(src)
        if vecs is None or art is None or not len(vecs):
            continue
        sims = vecs @ item.vector
        for i in np.argsort(-sims)[:SUPPORT_CANDIDATES]:
            if sims[i] < SUPPORT_FLOOR:
                break
            if (src, int(i)) in ctx.off_topic:
                continue
            text = art.sentence_text(int(i))
            stems = content_stems(text)
            share = _share(item, stems)
            close = (
                (sims[i] >= SUPPORT_COS and share >= SUPPORT_STEMS)
                or (sims[i] >= SUPPORT_COS_HIGH and share >= 0.35)
                or (sims[i] >= SUPPORT_COS_LOOSE and share >= SUPPORT_STEMS_LOOSE)
                or share >= SUPPORT_STEMS_LEXICAL
            )
            if not close:
                # a fact told across two sentences ("a note ... was found. A neighbour found it last March.")
                for j in (int(i) - 1, int(i) + 1):
                    if 0 <= j < len(art.sentences) and _share(item, stems | content_stems(art.sentence_text(j))) >= (
                        SUPPORT_STEMS_LEXICAL
                    ):
                        text = text + " " + art.sentence_text(j)
                        close = True
                        break
            if close and _figures_in(text, item):
                return True
    return False


def _refs(item: ClaimItem) -> list[int]:
    return item.sentence if isinstance(item.sentence, list) else [item.sentence]


def is_addition(ctx: StoryContext, items: list[ClaimItem], members: list[int], sub: list[int]) -> bool:
    """The accusation rule of the module docstring, for the sub-claim ``sub`` of the aligned cluster ``members``."""
    its = [items[k] for k in sub]
    for it in its:
        if not factual(it) or not ctx.is_derived(it.article) or not ctx.held_to_source(it.article, _refs(it)):
            return False
        if any(r in ctx.taken.get(it.article, ()) for r in _refs(it)):
            return False
    # the stating articles and whatever derives from them: they cannot vouch for one another
    family = {it.article for it in its}
    family |= {a for a in ctx.article_ids if ctx.sources.get(a, set()) & family}
    if any(items[j].article not in family for j in members if j not in sub):
        return False  # another article states it, in other details: a conflict if anything, not an addition
    others = [a for a in ctx.article_ids if a not in family]
    return not any(supported_by(ctx, it, others) for it in its)


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
            if is_addition(ctx, items, members, sub):
                status = "unsupported_addition"
            claims.append(
                StoryClaim(
                    id=f"c{len(claims) + 1}",
                    text=rep.text,
                    mentions=[mention(it) for it in its],
                    independent_sources=len(groups),
                    status=status,  # type: ignore[arg-type]
                    groups=groups,
                    reason=status_reason(ctx, status, [it.article for it in its], groups),
                )
            )
            claim_items.append(sub)
    _one_status_per_sentence(ctx, claims)
    return claims, claim_items, claim_cluster


def _one_status_per_sentence(ctx: StoryContext, claims: list[StoryClaim]) -> None:
    """A sentence whose other clause is stated elsewhere is not an addition; an added sentence is listed once."""
    status_of: dict[tuple[str, int], set[str]] = {}
    for c in claims:
        for m in c.mentions:
            for r in m.sentence if isinstance(m.sentence, list) else [m.sentence]:
                status_of.setdefault((m.article, r), set()).add(c.status)
    listed: set[tuple[str, int]] = set()
    for c in claims:
        if c.status != "unsupported_addition":
            continue
        keys = [
            (m.article, r) for m in c.mentions for r in (m.sentence if isinstance(m.sentence, list) else [m.sentence])
        ]
        single = status_reason(ctx, "single_source", [m.article for m in c.mentions], c.groups)
        if any(status_of[k] != {"unsupported_addition"} for k in keys):
            c.status = "single_source"
            c.reason = f"{single}; not called an addition: another clause of the same sentence is stated elsewhere"
        elif any(k in listed for k in keys):
            c.status = "single_source"
            c.reason = f"{single}; not called an addition again: its sentence is listed as added already"
        listed.update(keys)


def _in_group(ctx: StoryContext, g: int, articles: Iterable[str]) -> str:
    names = sorted({ctx.label(a) for a in articles if ctx.group_of.get(a) == g})
    return f"G{g + 1} ({', '.join(names)})"


def status_reason(ctx: StoryContext, status: str, stating: list[str], groups: list[int]) -> str:
    """The rule that gave a story claim its status, in words, with the groups and articles (``stating``) it rests
    on."""
    where = ", ".join(_in_group(ctx, g, stating) for g in groups)
    if status == "corroborated":
        return (
            f"corroborated: {len(groups)} independent source groups state it, {where}; copies of one source count once"
        )
    if status == "unsupported_addition":
        derived = sorted({ctx.label(a) for a in stating})
        sources = sorted({ctx.label(x) for a in stating for x in ctx.sources.get(a, ())})
        return (
            f"added: only {', '.join(derived)} states it, which takes from {', '.join(sources)} (direction decided); "
            "the sentence is not aligned to any sentence of the source, and no other article carries it, "
            "even in other words"
        )
    return f"single source: only source group {where} states it"
