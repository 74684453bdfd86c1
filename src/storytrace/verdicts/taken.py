"""What an article took, and from whom, read from the reuse links the reuse stage decided.

An arrow is an accusation, so only a link whose direction is ``decided`` makes an article a copy, a rewrite, a
derivative or an aggregation. An undecided link is no arrow: most real reporting is independent, and two outlets
that share a statement and the facts in similar words are not each other's source. The one exception is an
undecided link whose ``common_source`` is a named wire: both articles credit it and share its words, so both ran its
copy. When the wire has no item of its own in the pile (no article whose outlet is that wire), the verdict names the
wire; when the other end of the link is that item, the verdict names the item; when the item is in the pile but
elsewhere, nothing says the article took from it, and it stays original.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from storytrace.ingest.clean import wire_name
from storytrace.options import VerdictOptions
from storytrace.records import Article, Reuse
from storytrace.verdicts.padding import refs

Kind = Literal["original", "copy", "rewrite", "derivative", "aggregation"]
_KIND_OF: dict[str, Kind] = {"copy": "copy", "rewrite": "rewrite", "partial": "derivative"}


@dataclass
class Take:
    """One source of an article and how much of the article it explains (0..1)."""

    source: str  # an article id, or a wire's name when ``outside``
    share: float
    credited: bool | None
    outside: bool = False


@dataclass
class Taken:
    kind: Kind
    takes: list[Take] = field(default_factory=list)  # largest share first

    @property
    def source(self) -> str | None:
        return self.takes[0].source if self.takes else None

    @property
    def credited(self) -> bool | None:
        """False when any take is uncredited, True when every take is credited, else unknown."""
        marks = [t.credited for t in self.takes]
        if any(m is False for m in marks):
            return False
        if marks and all(m is True for m in marks):
            return True
        return None


def _side_share(article: Article, link: Reuse) -> tuple[float, float]:
    """For the ``from`` side of a link (its score is of the other side): the share of its characters the evidence
    aligns, and the share of those in verbatim matches."""
    aligned: dict[int, bool] = {}
    for e in link.evidence:
        for n in refs(e.from_sentence):
            aligned[n] = aligned.get(n, False) or e.match == "verbatim"
    total = sum(end - start for start, end in article.sentences)
    if total <= 0:
        return 0.0, 0.0
    sizes = {n: end - start for n, (start, end) in enumerate(article.sentences)}
    covered = sum(sizes.get(n, 0) for n in aligned)
    verbatim = sum(sizes.get(n, 0) for n, v in aligned.items() if v)
    return covered / total, (verbatim / covered if covered else 0.0)


def _names(outlet: str | None) -> set[str]:
    """An outlet's name and the wire it is, case-folded."""
    if not outlet:
        return set()
    return {n.casefold() for n in (outlet, wire_name(outlet)) if n}


def what_it_took(article: str, articles: dict[str, Article], reuse: Sequence[Reuse], options: VerdictOptions) -> Taken:
    decided = [
        r
        for r in reuse
        if r.derived == article and r.direction == "decided" and r.source in articles and r.source != article
    ]
    by_source: dict[str, Reuse] = {}
    for r in decided:
        if r.source not in by_source or r.score > by_source[r.source].score:
            by_source[r.source] = r
    if by_source:
        links = sorted(by_source.values(), key=lambda r: (-r.score, r.source))
        takes = [Take(r.source, r.score, r.credited) for r in links]
        if len(links) >= 2:
            return Taken("aggregation", takes)
        return Taken(_KIND_OF[links[0].kind], takes)
    # a wire is in the pile when one of its own items is (by outlet); a paper's page with its dateline is not one
    wires_here = set().union(*(_names(a.outlet) for a in articles.values()))
    shared: list[tuple[Kind, Take]] = []
    for r in reuse:
        if r.direction != "undecided" or not r.common_source or article not in (r.source, r.derived):
            continue
        wire = r.common_source.casefold()
        other = r.source if article == r.derived else r.derived
        if wire in _names(articles[article].outlet) or other not in articles:
            continue  # the wire's own item took from nobody
        if wire in _names(articles[other].outlet):
            # both credit the wire and the other one is its item: this article ran that item's copy
            take = Take(other, 0.0, True)
        elif wire in wires_here:
            continue  # the wire's item is in the pile but not on this link: nothing says this took from it
        else:
            take = Take(r.common_source, 0.0, True, outside=True)
        if article == r.derived:
            kind, take.share = _KIND_OF[r.kind], r.score
        else:
            take.share, verbatim = _side_share(articles[article], r)
            if take.share < options.common_source_whole:
                kind = "derivative"
            else:
                kind = "copy" if verbatim >= options.common_source_verbatim else "rewrite"
        shared.append((kind, take))
    if shared:
        kind, take = max(shared, key=lambda x: (x[1].share, x[1].source))
        return Taken(kind, [take])
    return Taken("original")


def taken_up_by(article: str, articles: dict[str, Article], reuse: Sequence[Reuse]) -> list[str]:
    """The articles that took from this one: decided links from it, and undecided ones whose common source is the
    wire this article is an item of (the other side ran its copy, as ``what_it_took`` says of it)."""
    out = {r.derived for r in reuse if r.source == article and r.direction == "decided"}
    mine = _names(articles[article].outlet) if article in articles else set()
    for r in reuse:
        if r.direction != "undecided" or not r.common_source or r.common_source.casefold() not in mine:
            continue
        other = r.derived if r.source == article else r.source if r.derived == article else None
        if other in articles and r.common_source.casefold() not in _names(articles[other].outlet):
            out.add(other)
    return sorted(out)
