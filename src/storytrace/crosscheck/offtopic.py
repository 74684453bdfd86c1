"""Off-topic material: paragraphs (or lone sentences) of an article that are not about the story.

A paragraph is off topic when it is far from the story (the centroid of the *other* articles' sentences, or of the
article's own other paragraphs when the story has one article), far from every other paragraph of its own article,
and shares no named entity or content stem with the rest of the story. The lead paragraph is never off topic.
"""

from __future__ import annotations

import numpy as np

from storytrace.crosscheck.context import StoryContext, _unit
from storytrace.crosscheck.text import content_stems
from storytrace.records import OffTopic

PARAGRAPH_MAX_SIM = 0.30  # cosine to the story below which a paragraph may be off topic (MiniLM)
SENTENCE_MAX_SIM = 0.22  # a lone sentence must be further still: short sentences have noisy vectors
STEM_OVERLAP_MAX = 0.20


def _paragraph_of(article_sentences: list[tuple[int, int]], paragraphs: list[tuple[int, int]]) -> list[int]:
    out = []
    p = 0
    for s, _ in article_sentences:
        while p + 1 < len(paragraphs) and s >= paragraphs[p + 1][0]:
            p += 1
        out.append(p)
    return out


def find_off_topic(ctx: StoryContext) -> list[OffTopic]:
    found: list[OffTopic] = []
    centroids: dict[str, np.ndarray] = {}
    for a in ctx.article_ids:
        v = ctx.vectors.get(a)
        if v is not None and len(v):
            centroids[a] = _unit(v.mean(axis=0))
    story_stems: dict[str, set[str]] = {}
    for a in ctx.article_ids:
        story_stems[a] = content_stems(ctx.articles[a].text)
    ents: dict[str, list[tuple[int, str]]] = {}
    for a in ctx.article_ids:
        f = ctx.facts.get(a)
        ents[a] = [(e.sentence, (e.key or e.text).lower()) for e in (f.entities if f else [])]

    for a in ctx.article_ids:
        art = ctx.articles[a]
        vecs = ctx.vectors.get(a)
        if vecs is None or len(vecs) != len(art.sentences) or len(art.sentences) < 3:
            continue
        others = [centroids[o] for o in ctx.article_ids if o != a and o in centroids]
        story_vec = _unit(np.mean(others, axis=0)) if others else None
        other_stems: set[str] = set().union(*(story_stems[o] for o in ctx.article_ids if o != a))
        paras = art.paragraphs or [(0, len(art.text))]
        para_of = _paragraph_of(art.sentences, paras)
        n_par = max(para_of) + 1
        par_sents = [[i for i, p in enumerate(para_of) if p == k] for k in range(n_par)]
        par_vecs = [_unit(vecs[s].mean(axis=0)) if s else None for s in par_sents]
        for k, sents in enumerate(par_sents):
            if not sents or k == 0:
                continue
            pv = par_vecs[k]
            assert pv is not None
            rest = [par_vecs[j] for j in range(n_par) if j != k and par_vecs[j] is not None and par_sents[j]]
            own = max((float(pv @ r) for r in rest), default=0.0)  # type: ignore[operator]
            sims = [own]
            if story_vec is not None:
                sims.append(float(pv @ story_vec))
            text = " ".join(art.sentence_text(i) for i in sents)
            stems = content_stems(text)
            own_stems = set().union(
                *(content_stems(art.sentence_text(i)) for j, ss in enumerate(par_sents) if j != k for i in ss)
            )
            ref_stems = own_stems | other_stems
            stem_share = len(stems & ref_stems) / max(len(stems), 1)
            shared_entity = any(
                key
                in {kk for (ss, kk) in ents[a] if ss not in sents}
                | {kk for o in ctx.article_ids if o != a for _, kk in ents[o]}
                for (ss, key) in ents[a]
                if ss in sents
            )
            limit = PARAGRAPH_MAX_SIM if len(sents) > 1 else SENTENCE_MAX_SIM
            if max(sims) < limit and not shared_entity and stem_share <= max(STEM_OVERLAP_MAX, 0.0) + 0.25:
                score = round(1.0 - max(sims), 3)
                found.extend(OffTopic(article=a, sentence=i, text=art.sentence_text(i), score=score) for i in sents)
                ctx.off_topic.update((a, i) for i in sents)
    return found
