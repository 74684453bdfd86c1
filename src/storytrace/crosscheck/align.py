"""Claim alignment within a story: which claims of different articles state the same thing.

Two claims align when their sentence embeddings are close, or moderately close and their content words (and named
entities) agree. Alignment is about *what* is stated; whether the details (numbers, dates, negation, tense) agree is
decided afterwards, so that "17 dead" and "12 dead" land in one cluster and can then be split and flagged.
Clusters are grown greedily from the strongest pairs, and never hold two claims of the same article (which is what
stops chains of loosely related sentences from merging into one blob).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

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


def _clauses(text: str) -> list[tuple[int, int]]:
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


def claim_items(ctx: StoryContext) -> list[ClaimItem]:
    """One item per claim, or one per clause when a sentence joins two statements ("17 ships waited off the port
    after a fire on Tuesday destroyed a warehouse"): each clause aligns on its own, shows the whole sentence, and
    carries only the figures and dates written inside it."""
    items: list[ClaimItem] = []
    to_embed: list[tuple[int, str]] = []
    for pos, a in enumerate(ctx.article_ids):
        facts = ctx.facts.get(a)
        if facts is None:
            continue
        text_all = ctx.articles[a].text
        for c in facts.claims:
            s0 = first_sentence(c.sentence)
            refs = c.sentence if isinstance(c.sentence, list) else [c.sentence]
            if all((a, r) in ctx.off_topic for r in refs):
                continue  # off-topic material is not a claim of the story
            sent_text = " ".join(ctx.sentence(a, r) for r in refs if 0 <= r < len(ctx.articles[a].sentences))
            ents = {e.lower() for e in c.entities}
            if c.attributed_to:
                ents.add("said:" + c.attributed_to.lower())
            base = text_all.find(c.text) if c.text else -1
            spans = _clauses(c.text)
            for cs, ce in spans:
                clause = c.text[cs:ce]
                whole = len(spans) == 1

                def inside(
                    start: int, end: int, cs: int = cs, ce: int = ce, whole: bool = whole, base: int = base
                ) -> bool:
                    return whole or base < 0 or (base + cs <= start and end <= base + ce)

                item = ClaimItem(
                    claim=c,
                    article=a,
                    sentence=c.sentence,
                    text=c.text,
                    vector=ctx.sentence_vector(a, c.sentence),
                    stems=content_stems(clause),
                    entities=ents,
                    negated=(bool(c.negated) and whole) or is_negated_text(clause),
                    future=(c.modality == "planned" and whole) or is_future_text(clause),
                    order=(pos, s0),
                    numbers=[n for n in c.numbers if inside(n.start, n.end)],
                    dates=[d for d in c.dates if inside(d.start, d.end)],
                )
                if not whole or (c.text.strip() and " ".join(c.text.split()) != " ".join(sent_text.split())):
                    to_embed.append((len(items), clause))  # the clause's (or the claim's) own words
                items.append(item)
    # an item's vector is only ever compared with other articles' claims: a story of one article needs none
    if to_embed and len(ctx.article_ids) > 1:
        from storytrace.embed import embed

        vecs = embed([t for _, t in to_embed])
        for (i, _), v in zip(to_embed, vecs, strict=True):
            items[i].vector = _unit(0.7 * v + 0.3 * items[i].vector) if np.any(items[i].vector) else v
    return items


# where one sentence joins two statements: "..., two days after a fire destroyed ...", "..., forcing ..."
# a bare "after"/"before" joins two events ("17 ships waited after a fire destroyed a warehouse"), except in a time
# expression ("just after 9 p.m.", "shortly before midnight"), which dates one event
_CLAUSE_SPLIT = re.compile(
    r",\s+(?:\w+\s+){0,3}?(?:after|before|when|while|as|because|forcing|which|and)\s+"
    r"|(?<!just)(?<!shortly)(?<!soon)(?<!right)(?<!long)\s+(?:after|before)\s+(?!\d|midnight|noon|dawn|dusk|daybreak)"
)


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
