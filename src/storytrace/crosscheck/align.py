"""Claim alignment within a story: which claims of different articles state the same thing.

Two claims align when their sentence embeddings are close, or moderately close and their content words (and named
entities) agree. Alignment is about *what* is stated; whether the details (numbers, dates, negation, tense) agree is
decided afterwards, so that "17 dead" and "12 dead" land in one cluster and can then be split and flagged.
Clusters are grown greedily from the strongest pairs, and never hold two claims of the same article (which is what
stops chains of loosely related sentences from merging into one blob).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from storytrace.claims.clauses import claim_parts
from storytrace.crosscheck.context import StoryContext, _unit, first_sentence
from storytrace.crosscheck.text import (
    content_stems,
    is_future_text,
    is_negated_text,
    numbers_compatible,
    overlap,
    same_thing,
)
from storytrace.records import ArticleClaim, DateMention, NumberMention, SentenceRef

SAME_COS = 0.82  # MiniLM cosine at which two news sentences state the same thing on their own
MID_COS = 0.62  # ...with at least half of the content words shared
LOW_COS = 0.50  # ...with most content words and an entity shared
CLUSTER_MEAN_COS = 0.55
SECOND_CLAIM_SCORE = 0.8
CLAUSE_COS = 0.70  # a clause this close to a claim states it  # pair score for a claim to count as a mention of a second cluster as well  # clusters only merge when their members are close on average, not through one link


@dataclass
class ClaimItem:
    """One article's claim, with what alignment and the checks need."""

    claim: ArticleClaim
    article: str
    sentence: SentenceRef
    text: str
    vector: np.ndarray
    stems: set[str]
    entities: set[str]
    negated: bool
    future: bool
    order: tuple[int, int]  # (article position in the story, sentence) for stable output
    cluster: int = -1
    related: list[int] = field(default_factory=list)
    numbers: list[NumberMention] = field(default_factory=list)  # the figures and dates inside this item's clause
    dates: list[DateMention] = field(default_factory=list)


def claim_items(ctx: StoryContext, texts: Mapping[str, np.ndarray]) -> list[ClaimItem]:
    """One item per claim, or one per clause when a sentence joins two statements ("17 ships waited off the port
    after a fire on Tuesday destroyed a warehouse"): each clause aligns on its own, shows the whole sentence, and
    carries only the figures and dates written inside it. ``texts``: the vectors of the claims' parts
    (``claims.clauses.compared_texts``), computed upstream; in a story of one article none is read, since an item's
    vector is only ever compared with other articles' claims."""
    items: list[ClaimItem] = []
    compared = len(ctx.article_ids) > 1
    for pos, a in enumerate(ctx.article_ids):
        facts = ctx.facts.get(a)
        if facts is None:
            continue
        article = ctx.articles[a]
        text_all = article.text
        for c in facts.claims:
            s0 = first_sentence(c.sentence)
            refs = c.sentence if isinstance(c.sentence, list) else [c.sentence]
            if all((a, r) in ctx.off_topic for r in refs):
                continue  # off-topic material is not a claim of the story
            ents = {e.lower() for e in c.entities}
            if c.attributed_to:
                ents.add("said:" + c.attributed_to.lower())
            base = text_all.find(c.text) if c.text else -1
            parts = claim_parts(article, c)
            for part in parts:
                cs, ce, clause = part.start, part.end, part.text
                whole = len(parts) == 1

                def inside(
                    start: int, end: int, cs: int = cs, ce: int = ce, whole: bool = whole, base: int = base
                ) -> bool:
                    return whole or base < 0 or (base + cs <= start and end <= base + ce)

                vector = ctx.sentence_vector(a, c.sentence)
                if part.own_vector and compared:  # the clause's (or the claim's) own words
                    v = texts[clause]
                    vector = _unit(0.7 * v + 0.3 * vector) if np.any(vector) else v
                items.append(
                    ClaimItem(
                        claim=c,
                        article=a,
                        sentence=c.sentence,
                        text=c.text,
                        vector=vector,
                        stems=content_stems(clause),
                        entities=ents,
                        negated=(bool(c.negated) and whole) or is_negated_text(clause),
                        future=(c.modality == "planned" and whole) or is_future_text(clause),
                        order=(pos, s0),
                        numbers=[n for n in c.numbers if inside(n.start, n.end)],
                        dates=[d for d in c.dates if inside(d.start, d.end)],
                    )
                )
    return items


def same_count(a: ClaimItem, b: ClaimItem) -> bool:
    """Both claims give a figure for the same thing, and the figures agree ("17 ships", "more than a dozen ships")."""
    return any(same_thing(na.counts, nb.counts) and numbers_compatible(na, nb) for na in a.numbers for nb in b.numbers)


def pair_score(a: ClaimItem, b: ClaimItem) -> float:
    """A score in [0, 1+] when the two claims state the same thing, else 0."""
    cos = float(a.vector @ b.vector)
    lex = overlap(a.stems, b.stems)
    shared_ent = bool(a.entities & b.entities)
    same_speaker = any(e.startswith("said:") for e in a.entities & b.entities)
    if (
        cos >= SAME_COS
        or (cos >= MID_COS and lex >= 0.5)
        or (cos >= 0.70 and lex >= 0.4)
        or (cos >= LOW_COS and lex >= 0.25 and same_count(a, b))
        or (cos >= LOW_COS and lex >= 0.6 and shared_ent)
        or (cos >= MID_COS and same_speaker and a.negated == b.negated and lex >= 0.3)
    ):
        return cos + 0.25 * lex + (0.05 if shared_ent else 0.0)
    return 0.0


def align(items: list[ClaimItem]) -> list[list[int]]:
    """Clusters of item indices; each cluster holds at most one claim per article."""
    n = len(items)
    if n == 0:
        return []
    mat = np.stack([it.vector for it in items]) if n else np.zeros((0, 384))
    cos = mat @ mat.T
    edges: list[tuple[float, int, int]] = []
    for i in range(n):
        for j in range(i + 1, n):
            if items[i].article == items[j].article or cos[i, j] < LOW_COS:
                continue
            s = pair_score(items[i], items[j])
            if s > 0:
                edges.append((s, i, j))
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    cluster = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for _, i, j in edges:
        ci, cj = cluster[i], cluster[j]
        if ci == cj:
            continue
        arts_i = {items[k].article for k in members[ci]}
        if arts_i & {items[k].article for k in members[cj]}:
            continue
        mean = float(np.mean([cos[p, q] for p in members[ci] for q in members[cj]]))
        if mean < CLUSTER_MEAN_COS:
            continue
        keep, gone = min(ci, cj), max(ci, cj)
        for k in members[gone]:
            cluster[k] = keep
        members[keep].extend(members.pop(gone))
    ordered = sorted(members.items(), key=lambda cm: min(items[k].order for k in cm[1]))
    out = [sorted(m, key=lambda k: items[k].order) for _, m in ordered]
    index_of = {c: ci for ci, (c, _) in enumerate(ordered)}
    for k in range(n):
        items[k].cluster = index_of[cluster[k]]
    return out
