"""From an alignment to a relation: copy, rewrite, partial, or independent (``None``).

Everything is measured on the derived side (containment, not Jaccard): a newspaper's version of wire copy is often a
third of its length, so the question is how much of the *derived* article the source explains, never how similar the
two are overall.

Two independent reports of one event share names, numbers and even quoted words (both reporters heard the same
speaker), and state the same facts in similar words. So copying is shown by the writer's own words: the evidence is
*narrative* — sentences outside quotation marks and outside attributed statements — and a link needs several
narrative passages that match in the source's order. An attributed sentence counts only where its frame (the words
outside the quote) is shared verbatim, and one similar sentence is never enough.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from storytrace.reuse.align import Alignment
from storytrace.reuse.text import ArticleTokens


@dataclass(frozen=True)
class RelationParams:
    copy_verbatim: float = 0.8  # share of derived words inside verbatim tiles for a copy
    rewrite_explained: float = 0.6  # share of derived words explained for a rewrite
    rewrite_order: float = 0.7  # share of links in source order (longest increasing run) for a rewrite
    partial_explained: float = 0.2  # share of derived words explained for a partial take
    min_links: int = 2  # aligned sentences needed at all (1 suffices when the derived article has 1 sentence)
    min_unquoted_run: int = 8  # a verbatim run this long outside quotes counts as copying, not a shared quote
    # narrative passages (own words, outside quotes and attributed statements) that must match in source order; 3 is
    # where METER's non-derived papers stop reaching (dev folds) while wholly derived ones all pass
    min_narrative_links: int = 3
    # a brief (fewer narrative sentences than min_narrative_links) nearly all explained, much of it verbatim, is a
    # copy; METER's wholly derived news-in-brief (dev) sit at >= 0.85 / >= 0.4, AllSides excerpts below
    brief_explained: float = 0.85
    brief_verbatim: float = 0.4
    frame_run: int = 6  # an attributed sentence is narrative evidence when this many words outside its quote are shared


@dataclass
class Features:
    """Numbers that describe one alignment; the relation rules and the METER classifier read them."""

    explained: float  # share of derived words explained by the source (the ``score``)
    verbatim: float  # share of derived words inside tiles
    verbatim_unquoted: float  # same, counting only words outside direct quotes
    verbatim_long: float  # share inside tiles of >= 8 words
    paraphrase: float  # share of derived words in paraphrase-linked sentences
    aligned_sentences: float  # share of derived sentences with a link
    n_links: int
    n_prose_links: int  # links whose derived sentence is mostly outside quotes (a shared quote proves little)
    order: float  # longest increasing subsequence of linked source positions / number of links
    kendall: float  # Kendall tau between derived and source positions of links (1 = same order)
    mean_cosine: float
    mean_lexical: float
    mean_fuzzy: float
    longest_unquoted_run: int
    derived_sentences: int
    derived_words: int = 0
    source_words: int = 0
    n_narrative_links: int = 0  # links whose derived sentence is the writer's own words (see the module docstring)
    narrative_in_order: int = 0  # the longest run of those links that follows the source's order
    narrative_sentences: int = 0  # sentences of the derived article that are its writer's own words

    def vector(self) -> list[float]:
        return [
            self.explained,
            self.verbatim,
            self.verbatim_unquoted,
            self.verbatim_long,
            self.paraphrase,
            self.aligned_sentences,
            float(min(self.n_links, 20)) / 20.0,
            float(min(self.n_prose_links, 20)) / 20.0,
            self.order,
            self.kendall,
            self.mean_cosine,
            self.mean_lexical,
            self.mean_fuzzy,
            float(min(self.longest_unquoted_run, 40)) / 40.0,
            float(min(self.derived_sentences, 40)) / 40.0,
            float(np.log1p(self.derived_words)) / 8.0,
            float(np.log1p(self.derived_words) - np.log1p(self.source_words)) / 4.0,
        ]


FEATURE_NAMES = [
    "explained",
    "verbatim",
    "verbatim_unquoted",
    "verbatim_long",
    "paraphrase",
    "aligned_sentences",
    "n_links",
    "n_prose_links",
    "order",
    "kendall",
    "mean_cosine",
    "mean_lexical",
    "mean_fuzzy",
    "longest_unquoted_run",
    "derived_sentences",
    "log_derived_words",
    "log_length_ratio",
]


def _lis_length(seq: list[int]) -> int:
    import bisect

    tails: list[int] = []
    for x in seq:
        k = bisect.bisect_right(tails, x)
        if k == len(tails):
            tails.append(x)
        else:
            tails[k] = x
    return len(tails)


def _kendall(xs: list[int], ys: list[int]) -> float:
    n = len(xs)
    if n < 2:
        return 1.0
    conc = disc = 0
    for i in range(n):
        for j in range(i + 1, n):
            s = (xs[i] - xs[j]) * (ys[i] - ys[j])
            if s > 0:
                conc += 1
            elif s < 0:
                disc += 1
    return (conc - disc) / max(conc + disc, 1)


def features(
    al: Alignment, derived: ArticleTokens, source_words: int = 0, frame_run: int = 6, narrative_paraphrase: float = 0.75
) -> Features:
    total = max(al.derived_words, 1)
    quoted = np.array(derived.quoted, dtype=bool) if derived.quoted else np.zeros(0, dtype=bool)
    verb_words = int(al.covered.sum())
    unquoted = int((al.covered & ~quoted).sum()) if len(quoted) else verb_words
    long_words = sum(k for _, _, k in al.tiles if k >= 8)
    longest_unquoted = 0
    for i, _, k in al.tiles:
        run = best = 0
        for t in range(k):
            run = 0 if quoted[i + t] else run + 1
            best = max(best, run)
        longest_unquoted = max(longest_unquoted, best)
    explained_words = 0
    para_words = 0
    linked_sentences: set[int] = set()
    prose_links = 0
    for link in al.links:
        linked_sentences.update(link.derived)
        a, b = derived.sentence_start[link.derived[0]], derived.sentence_start[link.derived[-1] + 1]
        if b > a and quoted[a:b].mean() < 0.3:
            prose_links += 1
        n = sum(derived.sentence_len(s) for s in link.derived)
        if link.match == "verbatim":
            # verbatim links explain their tiled words plus, when the rest is a close rewording, the rest
            explained_words += n if link.similarity >= 0.8 else link.covered
        else:
            explained_words += n
            para_words += n
    # Tile words outside linked sentences still come from the source.
    for s in range(derived.n_sentences):
        if s not in linked_sentences:
            a, b = derived.sentence_start[s], derived.sentence_start[s + 1]
            explained_words += int(al.covered[a:b].sum())
    # narrative evidence: an own-words sentence matched, or an attributed one whose frame is shared word for word
    narrative_firsts: list[int] = []
    attributed = derived.attributed or [False] * derived.n_sentences
    for link in al.links:
        a, b = derived.sentence_start[link.derived[0]], derived.sentence_start[link.derived[-1] + 1]
        if b <= a:
            continue
        mostly_quoted = quoted[a:b].mean() >= 0.3
        said = any(attributed[s] for s in link.derived)
        frame = int((al.covered[a:b] & ~quoted[a:b]).sum())
        # a loose paraphrase is how two reporters tell one fact; only a close one is evidence of rewriting
        # a verbatim match of a fragment ("Desmond Browne, QC, for") shows nothing: it needs a frame's worth of words
        close = (link.match == "verbatim" and frame >= frame_run) or (
            link.match != "verbatim" and link.similarity >= narrative_paraphrase
        )
        if close and ((not mostly_quoted and not said) or frame >= frame_run):
            narrative_firsts.append(link.source[0])
    narrative_sentences = 0
    for s in range(derived.n_sentences):
        a, b = derived.sentence_start[s], derived.sentence_start[s + 1]
        if b > a and not attributed[s] and quoted[a:b].mean() < 0.3:
            narrative_sentences += 1
    firsts = [link.source[0] for link in al.links]
    order = _lis_length(firsts) / len(firsts) if firsts else 0.0
    n_sent = max(al.derived_sentences, 1)
    return Features(
        explained=min(explained_words / total, 1.0),
        verbatim=verb_words / total,
        verbatim_unquoted=unquoted / total,
        verbatim_long=long_words / total,
        paraphrase=para_words / total,
        aligned_sentences=len(linked_sentences) / n_sent,
        n_links=len(linked_sentences),
        n_prose_links=prose_links,
        order=order,
        kendall=_kendall([link.derived[0] for link in al.links], firsts),
        mean_cosine=float(al.best_cosine.mean()) if len(al.best_cosine) else 0.0,
        mean_lexical=float(al.best_lexical.mean()) if len(al.best_lexical) else 0.0,
        mean_fuzzy=float(al.best_fuzzy.mean()) if len(al.best_fuzzy) else 0.0,
        longest_unquoted_run=longest_unquoted,
        derived_sentences=al.derived_sentences,
        derived_words=al.derived_words,
        source_words=source_words,
        n_narrative_links=len(narrative_firsts),
        narrative_in_order=_lis_length(narrative_firsts),
        narrative_sentences=narrative_sentences,
    )


def decide(f: Features, params: RelationParams | None = None) -> str | None:
    """``copy`` | ``rewrite`` | ``partial`` | ``None`` (independent)."""
    p = params or RelationParams()
    needed = min(p.min_links, max(f.derived_sentences, 1))
    if f.n_links < needed:
        return None
    # Shared quotes and statements alone are not reuse, nor is one similar sentence: the writer's own words must match
    # passage by passage in the source's order. A derived text with fewer narrative sentences than that (a short
    # excerpt, a news-in-brief) must match in all of them, with a verbatim run outside quotes, and be mostly explained.
    copied_prose = f.longest_unquoted_run >= p.min_unquoted_run
    needed_narrative = min(p.min_narrative_links, max(f.narrative_sentences, 1))
    if f.narrative_sentences < p.min_narrative_links:
        needed_narrative = 1
    if f.narrative_in_order < needed_narrative:
        return None
    # a brief: all of its own words matched, a verbatim run among them, most of it explained — or nearly all of it
    # explained and much of it word for word (a news-in-brief cut from the wire)
    brief_copied = (copied_prose and f.explained >= p.rewrite_explained) or (
        f.explained >= p.brief_explained and f.verbatim >= p.brief_verbatim
    )
    if f.narrative_sentences < p.min_narrative_links and not brief_copied:
        return None
    in_order = f.order >= p.rewrite_order
    if f.verbatim >= p.copy_verbatim and f.explained >= 0.9:
        return "copy"
    paraphrased = f.paraphrase >= 0.3 * f.explained
    if f.explained >= p.rewrite_explained and in_order and paraphrased:
        return "rewrite"
    if f.explained >= 0.85 and in_order:
        return "copy"  # lightly edited copy: nearly all of it is the source, mostly verbatim
    if f.explained >= p.partial_explained and f.order >= 0.5:
        return "partial"
    return None
