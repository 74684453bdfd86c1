"""Reuse: who copied or rewrote whom inside a story, with sentence-level evidence; source groups.

``find_reuse`` compares the articles of one story pairwise: a cheap content-word containment prefilter, then a
sentence alignment both ways (``align``), a relation (``relation``), a direction (``direction``), and finally a
pruning step so that each derived article links to its best source rather than to every sibling that took from the
same source (a copy and a rewrite of one wire story are not each other's source); each kept link then says whether
the derived article credits its source (``credit``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np

from storytrace.options import Declarations, ReuseOptions
from storytrace.records import Article, ArticleFacts, ReasonGround, Reuse, ReuseEvidence
from storytrace.reuse.align import Alignment, AlignParams, align
from storytrace.reuse.credit import with_credit
from storytrace.reuse.direction import credited_wires, decide_direction, wire_credit_fields, wire_of
from storytrace.reuse.relation import Features, RelationParams, decide, features
from storytrace.reuse.text import ArticleTokens, containment, tokens_of

__all__ = ["align_params", "find_reuse", "relation_params", "source_groups"]


def align_params(options: ReuseOptions) -> AlignParams:
    return AlignParams(min_match=options.min_match, paraphrase_score=options.paraphrase_score)


def relation_params(options: ReuseOptions) -> RelationParams:
    return RelationParams(
        copy_verbatim=options.copy_verbatim,
        rewrite_explained=options.rewrite_explained,
        partial_explained=options.partial_explained,
        min_narrative_links=options.min_narrative_links,
        frame_run=options.frame_run,
    )


@dataclass
class _Side:
    alignment: Alignment
    features: Features
    kind: str | None


def _evidence(al: Alignment) -> list[ReuseEvidence]:
    out = []
    for link in al.links:
        src = link.source[0] if len(link.source) == 1 else list(link.source)
        dst = link.derived[0] if len(link.derived) == 1 else list(link.derived)
        out.append(ReuseEvidence(src, dst, round(link.similarity, 4), link.match))  # type: ignore[arg-type]
    return out


def _compare(
    a: Article,
    b: Article,
    ta: ArticleTokens,
    tb: ArticleTokens,
    vectors: Mapping[str, np.ndarray],
    facts: Mapping[str, ArticleFacts],
    options: ReuseOptions,
    aligned: dict[tuple[str, str], Alignment] | None = None,
) -> Reuse | None:
    ap, rp = align_params(options), relation_params(options)
    va, vb = vectors.get(a.id), vectors.get(b.id)
    al_b = align(tb, ta, vb, va, ap)  # b as derived from a
    al_a = align(ta, tb, va, vb, ap)  # a as derived from b
    if aligned is not None:
        aligned[(b.id, a.id)], aligned[(a.id, b.id)] = al_b, al_a
    fb = features(al_b, tb, len(ta.words), options.frame_run, options.narrative_paraphrase)
    fa = features(al_a, ta, len(tb.words), options.frame_run, options.narrative_paraphrase)
    b_from_a = _Side(al_b, fb, decide(fb, rp))
    a_from_b = _Side(al_a, fa, decide(fa, rp))
    if b_from_a.kind is None and a_from_b.kind is None:
        return None
    verdict = decide_direction(
        a, b, facts.get(a.id), facts.get(b.id), fb.explained, fa.explained, al_b, options.declarations
    )
    reasons = list(verdict.reasons)
    grounds = list(verdict.grounds)  # what each reason rests on, in step with ``reasons``
    if verdict.source_first is None:
        # Undecided: report in id order, with whichever alignment shows reuse.
        first, second = (a, b) if a.id <= b.id else (b, a)
        side = b_from_a if first is a else a_from_b
        if side.kind is None:
            side = a_from_b if side is b_from_a else b_from_a
            first, second = second, first
            reasons.append("listed in the order in which the reuse shows (direction undecided)")
            grounds.append(ReasonGround(reasons[-1]))
        return _entry(first, second, side, "undecided", reasons, grounds, options.declarations)
    source, derived, side = (a, b, b_from_a) if verdict.source_first else (b, a, a_from_b)
    if side.kind is None:
        # The credit or wire names a source that is mostly contained in the other: the derived article took it
        # whole and wrote more around it, a partial take of the source — when that take is a substantial part.
        if side.features.explained < options.partial_explained:
            return None
        side = _Side(side.alignment, side.features, "partial")
        reasons = [*reasons, "the source's text is mostly inside the derived article, which adds its own"]
        grounds = [*grounds, ReasonGround(reasons[-1])]  # rests on the alignment: the evidence
    return _entry(source, derived, side, "decided", reasons, grounds, options.declarations)


def _entry(
    source: Article,
    derived: Article,
    side: _Side,
    direction: str,
    reasons: list[str],
    grounds: list[ReasonGround],
    declarations: Declarations | None = None,
) -> Reuse:
    kind = cast(Literal["copy", "rewrite", "partial"], side.kind)
    how = cast(Literal["decided", "undecided"], direction)
    common = None
    if how == "undecided":
        # both credit one wire (dateline, credit line): that wire is the likely common source
        shared = credited_wires(source, declarations) & credited_wires(derived, declarations)
        common = min(shared) if shared else None
        if common:
            reasons = [*reasons, f"both credit {common}: likely both ran its copy"]
            credits = wire_credit_fields(source, common, declarations) + wire_credit_fields(
                derived, common, declarations
            )
            grounds = [*grounds, ReasonGround(reasons[-1], fields=credits)]
    return Reuse(
        source.id,
        derived.id,
        kind,
        round(side.features.explained, 4),
        how,
        reasons,
        _evidence(side.alignment),
        common,
        grounds=grounds,
    )


def _prune(
    links: list[Reuse], articles: Mapping[str, Article], declarations: Declarations | None = None
) -> list[Reuse]:
    """Keep, for each derived article, its best source and any other source not linked to an already kept one.

    Preference: a decided direction, then wire copy or a declared press release (papers that share a wire item's
    narrative took it from the wire, not from each other), then a source that is not itself derived from another candidate, then the higher score,
    the earlier publication, the longer (more complete) text, the id."""
    linked: set[frozenset[str]] = {frozenset((r.source, r.derived)) for r in links}
    derived_from: dict[str, set[str]] = {}
    for r in links:
        derived_from.setdefault(r.derived, set()).add(r.source)
    by_derived: dict[str, list[Reuse]] = {}
    for r in links:
        by_derived.setdefault(r.derived, []).append(r)
    kept: list[Reuse] = []
    for derived_id in sorted(by_derived):
        cands = by_derived[derived_id]
        sources = {r.source for r in cands}

        def key(r: Reuse, sources: set[str] = sources) -> tuple[int, int, int, float, str, int, str]:
            src = articles[r.source]
            derived_from_sibling = bool(derived_from.get(r.source, set()) & sources)
            return (
                0 if r.direction == "decided" else 1,
                0 if wire_of(src, declarations) or (declarations and declarations.is_press_release(src.id)) else 1,
                1 if derived_from_sibling else 0,
                -r.score,
                src.published or "9999",
                -len(src.text),
                r.source,
            )

        chosen: list[Reuse] = []
        for r in sorted(cands, key=key):
            if any(frozenset((r.source, c.source)) in linked for c in chosen):
                continue
            chosen.append(r)
        kept.extend(chosen)
    # A pair can appear from both ends only through two undecided entries; keep one.
    seen: set[frozenset[str]] = set()
    out: list[Reuse] = []
    for r in sorted(kept, key=lambda r: (r.source, r.derived)):
        pair = frozenset((r.source, r.derived))
        if pair not in seen:
            seen.add(pair)
            out.append(r)
    return out


def find_reuse(
    articles: Sequence[Article],
    vectors: Mapping[str, np.ndarray],
    facts: Mapping[str, ArticleFacts],
    options: ReuseOptions | None = None,
) -> list[Reuse]:
    """Reuse links between the articles of one story, each derived article pointing at its best source."""
    options = options or ReuseOptions()
    ordered = sorted({a.id: a for a in articles}.values(), key=lambda a: a.id)
    toks = {a.id: tokens_of(a, facts.get(a.id)) for a in ordered}
    links: list[Reuse] = []
    aligned: dict[tuple[str, str], Alignment] = {}
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            ta, tb = toks[a.id], toks[b.id]
            if max(containment(ta, tb), containment(tb, ta)) < options.prefilter:
                continue
            r = _compare(a, b, ta, tb, vectors, facts, options, aligned)
            if r is not None:
                links.append(r)
    links = _drop_explained_by_a_third(links, [a.id for a in ordered], aligned, options)
    links = _drop_taken_from_a_press_release(links, [a.id for a in ordered], aligned, options)
    by_id = {a.id: a for a in ordered}
    declared = options.declarations
    return [with_credit(r, by_id, facts, declared) for r in _prune(links, by_id, declared)]


def _drop_taken_from_a_press_release(
    links: list[Reuse], ids: list[str], aligned: Mapping[tuple[str, str], Alignment], options: ReuseOptions
) -> list[Reuse]:
    """Links between two reports whose shared text a declared press release carries (on each side, the share
    ``common_source_share`` of it): they both took it from the release, not from each other, whichever direction
    the link was given. Links that share more than the release says stay."""
    releases = [a for a in ids if options.declarations.is_press_release(a)]
    if not releases:
        return links
    return [
        r
        for r in links
        if options.declarations.is_press_release(r.source)
        or options.declarations.is_press_release(r.derived)
        or _common_source_in_pile(r, releases, aligned, options) is None
    ]


def _connected(links: list[Reuse], a: str, b: str) -> bool:
    nbrs: dict[str, set[str]] = {}
    for r in links:
        nbrs.setdefault(r.source, set()).add(r.derived)
        nbrs.setdefault(r.derived, set()).add(r.source)
    seen, stack = {a}, [a]
    while stack:
        for n in nbrs.get(stack.pop(), ()):
            if n not in seen:
                seen.add(n)
                stack.append(n)
    return b in seen


def _drop_explained_by_a_third(
    links: list[Reuse], ids: list[str], aligned: Mapping[tuple[str, str], Alignment], options: ReuseOptions
) -> list[Reuse]:
    """Undecided links whose shared text a third article of the story carries on both sides.

    When that third article is linked to neither, the two took the same words from it (a court speech, a press
    release, a wire item they were not found to copy): they are independent of each other. When it is linked to both,
    the link between them is redundant and goes as long as the three stay connected (weakest first), so copies of
    one text keep one source group. When it is linked to one only, the link stays."""
    kept = list(links)
    for r in sorted((x for x in links if x.direction == "undecided"), key=lambda x: (x.score, x.source, x.derived)):
        w = _common_source_in_pile(r, ids, aligned, options)
        if w is None:
            continue
        others = [x for x in kept if x is not r]
        touches = {x.source if x.derived == w else x.derived for x in others if w in (x.source, x.derived)}
        with_both = {r.source, r.derived} <= touches
        if (with_both and _connected(others, r.source, r.derived)) or not touches & {r.source, r.derived}:
            kept = others
    return kept


def _sentences(refs: list[int | list[int]]) -> set[int]:
    out: set[int] = set()
    for ref in refs:
        out.update(ref if isinstance(ref, list) else [ref])
    return out


def _common_source_in_pile(
    r: Reuse, ids: list[str], aligned: Mapping[tuple[str, str], Alignment], options: ReuseOptions
) -> str | None:
    """A third article that carries what the two share: reporters who each took a court speech, a press release or a
    wire item down in the same words share text with it, not with each other, so their link explains nothing."""
    shared = {r.derived: _sentences([e.to_sentence for e in r.evidence])}
    shared[r.source] = _sentences([e.from_sentence for e in r.evidence])
    for w in ids:
        if w in (r.source, r.derived):
            continue
        explained = True
        for x, sentences in shared.items():
            al = aligned.get((x, w))
            covered = {s for link in al.links for s in link.derived} if al is not None else set()
            if not sentences or len(sentences & covered) < options.common_source_share * len(sentences):
                explained = False
                break
        if explained:
            return w
    return None


def source_groups(
    article_ids: Sequence[str],
    reuse: Sequence[Reuse],
    articles: Mapping[str, Article] | None = None,
    declarations: Declarations | None = None,
) -> list[list[str]]:
    """Partition a story's articles into groups connected by reuse (each article in exactly one group). Outlets an
    editor declared one company (``declarations``, with the ``articles`` to read outlets from) are one group too:
    two papers of one owner are not independent confirmation of each other."""
    parent = {a: a for a in article_ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs = [(r.source, r.derived) for r in reuse]
    if declarations is not None and declarations.owners and articles is not None:
        company: dict[int, str] = {}
        for aid in article_ids:
            c = declarations.company(articles[aid].outlet) if aid in articles else None
            if c is not None:
                pairs.append((company.setdefault(c, aid), aid))
    for x, y in pairs:
        if x in parent and y in parent:
            a, b = find(x), find(y)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for a in article_ids:
        groups.setdefault(find(a), []).append(a)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
