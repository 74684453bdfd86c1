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
from storytrace.crosscheck.text import content_stems, is_future_text, is_negated_text, overlap
from storytrace.records import ArticleClaim, SentenceRef

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
    clauses: list[tuple[np.ndarray, set[str]]] = field(default_factory=list)  # (vector, stems) of each clause


def claim_items(ctx: StoryContext) -> list[ClaimItem]:
    items: list[ClaimItem] = []
    to_embed: list[tuple[int, str]] = []
    for pos, a in enumerate(ctx.article_ids):
        facts = ctx.facts.get(a)
        if facts is None:
            continue
        for c in facts.claims:
            s0 = first_sentence(c.sentence)
            refs = c.sentence if isinstance(c.sentence, list) else [c.sentence]
            if all((a, r) in ctx.off_topic for r in refs):
                continue  # off-topic material is not a claim of the story
            sent_text = " ".join(ctx.sentence(a, r) for r in refs if 0 <= r < len(ctx.articles[a].sentences))
            vec = ctx.sentence_vector(a, c.sentence)
            ents = {e.lower() for e in c.entities}
            if c.attributed_to:
                ents.add("said:" + c.attributed_to.lower())
            item = ClaimItem(
                claim=c,
                article=a,
                sentence=c.sentence,
                text=c.text,
                vector=vec,
                stems=content_stems(c.text),
                entities=ents,
                negated=bool(c.negated) or is_negated_text(c.text),
                future=c.modality == "planned" or is_future_text(c.text),
                order=(pos, s0),
            )
            if c.text.strip() and " ".join(c.text.split()) != " ".join(sent_text.split()):
                to_embed.append((len(items), c.text))  # one sentence carrying two claims: embed each claim's own text
            items.append(item)
    clause_texts: list[tuple[int, str]] = []
    for i, it in enumerate(items):
        parts = [p for p in _CLAUSE_SPLIT.split(it.text) if len(p.split()) >= 5]
        if len(parts) >= 2:
            clause_texts.extend((i, p) for p in parts)
    if to_embed or clause_texts:
        from storytrace.embed import embed

        if clause_texts:
            cvecs = embed([t for _, t in clause_texts])
            for (i, t), v in zip(clause_texts, cvecs, strict=True):
                items[i].clauses.append((v, content_stems(t)))

        vecs = embed([t for _, t in to_embed])
        for (i, _), v in zip(to_embed, vecs, strict=True):
            items[i].vector = _unit(0.5 * v + 0.5 * items[i].vector) if np.any(items[i].vector) else v
    return items


# where one sentence joins two statements: "..., two days after a fire destroyed ...", "..., forcing ..."
_CLAUSE_SPLIT = re.compile(
    r",\s+(?:\w+\s+){0,3}?(?:after|before|when|while|as|because|forcing|which|and)\s+|\s+(?:after|before)\s+"
)


def clause_match(a: ClaimItem, b: ClaimItem) -> bool:
    """A clause of ``a`` states what ``b`` states (the second claim of a two-claim sentence)."""
    targets = [(b.vector, b.stems), *b.clauses]
    for v, stems in a.clauses:
        for w, other in targets:
            if float(v @ w) >= CLAUSE_COS and overlap(stems, other) >= 0.5:
                return True
    return False


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
    # one sentence may carry two claims ("17 ships waited ... after a fire on Tuesday destroyed a warehouse"): a claim
    # also joins a second cluster it states, when that cluster has nothing from its article yet
    for k in range(n):
        for c, m in members.items():
            if c == cluster[k] or any(items[j].article == items[k].article for j in m):
                continue
            strong = any(pair_score(items[k], items[j]) >= SECOND_CLAIM_SCORE for j in m)
            if (strong and float(np.mean([cos[k, j] for j in m])) >= CLUSTER_MEAN_COS) or any(
                clause_match(items[k], items[j]) or clause_match(items[j], items[k]) for j in m
            ):
                m.append(k)
    ordered = sorted(members.items(), key=lambda cm: min(items[k].order for k in cm[1]))
    out = [sorted(m, key=lambda k: items[k].order) for _, m in ordered]
    index_of = {c: ci for ci, (c, _) in enumerate(ordered)}
    for k in range(n):
        items[k].cluster = index_of[cluster[k]]  # the primary cluster; a second one only lists it as a mention
    return out
