"""Off-topic material: paragraphs, and sentences inside on-topic paragraphs, that are not about the story.

A paragraph is off topic when it is far from the story (the centroid of the *other* articles' sentences, or of the
article's own other paragraphs when the story has one article), far from every other paragraph of its own article,
and shares no named entity and few content stems with the rest of the story.

A sentence inside an on-topic paragraph can still be about something else, and may name one of the story's people
on its way there ("Smith, who also chairs the county's golf club, spoke last week about the club's new greens"), so
the story's names neither keep it on topic nor count as shared words. Everything else must: it is far from the other
articles (their centroid and each of their sentences), from its own article and from both sentences around it, and
its words are hardly used elsewhere in the story; or, a little closer in meaning (a name pulls a vector towards the
story), its words are almost all foreign to the story. Only where the story has other articles to measure against,
only sentences long enough for their vectors to mean something, and never a quote, a first-person sentence
(somebody's own words wander; that is no padding) or a line on sourcing. Background on the story's people ("Smith,
54, has chaired the council since 2010") shares words with the story, and its vector stays close: an ordinary news
report has almost no sentence that passes (docs/crosscheck.md).

The lead paragraph is never off topic. Vectors are the ones the pipeline computed once; nothing is embedded here.
"""

from __future__ import annotations

import re

import numpy as np

from storytrace.crosscheck.context import StoryContext, _unit
from storytrace.crosscheck.text import content_stems, stem, words
from storytrace.options import CrosscheckOptions
from storytrace.records import Entity, OffTopic

_FIRST_PERSON = frozenset(["i", "me", "my", "we", "us", "our"])
# how a reporter says where a fact came from ("a senior official, who spoke on condition of anonymity because he was
# not authorized to talk to the media"): about the story's sources, however far its words are from the story's
_SOURCING = re.compile(
    r"(?i)\b(?:on condition of anonymity|not authori[sz]ed to (?:speak|discuss|comment|talk)|declined to comment|"
    r"asked not to be (?:named|identified)|did not (?:immediately )?respond to (?:a )?requests? for comment)"
)


def _paragraph_of(article_sentences: list[tuple[int, int]], paragraphs: list[tuple[int, int]]) -> list[int]:
    out = []
    p = 0
    for s, _ in article_sentences:
        while p + 1 < len(paragraphs) and s >= paragraphs[p + 1][0]:
            p += 1
        out.append(p)
    return out


def find_off_topic(ctx: StoryContext, options: CrosscheckOptions | None = None) -> list[OffTopic]:
    opts = options or CrosscheckOptions()
    found = _off_topic_paragraphs(ctx, opts)
    found += _off_topic_sentences(ctx, opts)
    order = {a: n for n, a in enumerate(ctx.article_ids)}
    found.sort(key=lambda o: (order[o.article], o.sentence if isinstance(o.sentence, int) else o.sentence[0]))
    return found


def _off_topic_paragraphs(ctx: StoryContext, opts: CrosscheckOptions) -> list[OffTopic]:
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
        quotes = _quote_spans(ctx, a)
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
            if len(sents) == 1 and _own_words(art.sentences[sents[0]], text, quotes):
                continue
            limit = opts.offtopic_paragraph_max_sim if len(sents) > 1 else opts.offtopic_lone_sentence_max_sim
            if max(sims) < limit and not shared_entity and stem_share <= opts.offtopic_paragraph_stem_share:
                score = round(1.0 - max(sims), 3)
                found.extend(OffTopic(article=a, sentence=i, text=art.sentence_text(i), score=score) for i in sents)
                ctx.off_topic.update((a, i) for i in sents)
    return found


def _off_topic_sentences(ctx: StoryContext, opts: CrosscheckOptions) -> list[OffTopic]:
    found: list[OffTopic] = []
    usable = [a for a in ctx.article_ids if _vectors_fit(ctx, a)]
    # the story's names: a name may be what takes a sentence elsewhere, so it is no sign of being on topic
    names = {stem(w) for a in ctx.article_ids for e in _entities(ctx, a) for w in words(e.text)}
    for a in usable:
        others = [o for o in usable if o != a]
        art = ctx.articles[a]
        vecs = ctx.vectors[a]
        n = len(art.sentences)
        if not others or n < 3:
            continue
        story_vec = _unit(np.mean([_unit(ctx.vectors[o].mean(axis=0)) for o in others], axis=0))
        other_vecs = np.concatenate([ctx.vectors[o] for o in others])
        other_stems: set[str] = set().union(*(content_stems(ctx.articles[o].text) for o in others))
        own_stems = [content_stems(art.sentence_text(i)) for i in range(n)]
        quotes = _quote_spans(ctx, a)
        lead_end = art.paragraphs[0][1] if art.paragraphs else art.sentences[0][1]
        total = vecs.sum(axis=0)
        for i in range(1, n):
            lo, hi = art.sentences[i]
            if (a, i) in ctx.off_topic or lo < lead_end:
                continue
            text = art.sentence_text(i)
            if len(words(text)) < opts.offtopic_sentence_min_words or _own_words((lo, hi), text, quotes):
                continue
            if _SOURCING.search(text):
                continue
            v = vecs[i]
            near = max(float(v @ story_vec), float(v @ _unit(total - v)))
            if near >= max(opts.offtopic_sentence_max_sim, opts.offtopic_foreign_max_sim):
                continue
            neighbours = [float(v @ vecs[j]) for j in (i - 1, i + 1) if 0 <= j < n]
            best = max(float((other_vecs @ v).max()), *neighbours)
            stems = own_stems[i] - names
            ref = other_stems.union(*(own_stems[j] for j in range(n) if j != i))
            share = len(stems & ref) / max(len(stems), 1)
            far = (
                near < opts.offtopic_sentence_max_sim
                and best < opts.offtopic_sentence_match_sim
                and share <= opts.offtopic_sentence_stem_share
            )
            foreign = (
                near < opts.offtopic_foreign_max_sim
                and best < opts.offtopic_foreign_match_sim
                and share <= opts.offtopic_foreign_stem_share
            )
            if not (far or foreign):
                continue
            found.append(OffTopic(article=a, sentence=i, text=text, score=round(1.0 - max(near, best), 3)))
            ctx.off_topic.add((a, i))
    return found


def _entities(ctx: StoryContext, article: str) -> list[Entity]:
    facts = ctx.facts.get(article)
    return facts.entities if facts else []


def _quote_spans(ctx: StoryContext, article: str) -> list[tuple[int, int]]:
    facts = ctx.facts.get(article)
    return [(q.start, q.end) for q in facts.quotes] if facts else []


def _own_words(span: tuple[int, int], text: str, quotes: list[tuple[int, int]]) -> bool:
    """A sentence that quotes somebody or speaks in the first person: a speaker's or the writer's own words, which
    wander from the story without being padding."""
    lo, hi = span
    return bool(_FIRST_PERSON & set(words(text))) or any(qs < hi and lo < qe for qs, qe in quotes)


def _vectors_fit(ctx: StoryContext, article: str) -> bool:
    vecs = ctx.vectors.get(article)
    return vecs is not None and len(vecs) > 0 and len(vecs) == len(ctx.articles[article].sentences)
