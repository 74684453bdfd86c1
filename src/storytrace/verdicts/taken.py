"""What an article took, and from whom, read from the reuse links the reuse stage decided.

An arrow is an accusation, so only a link whose direction is ``decided`` makes an article a copy, a rewrite, a
derivative or an aggregation. An undecided link is no arrow: most real reporting is independent, and two outlets
that share a statement and the facts in similar words are not each other's source. The one exception is an
undecided link whose ``common_source`` is a named wire with no item of its own in the pile (no article whose outlet
is that wire): both articles credit it and share its words, so both ran its copy, and the verdict names the wire
(not the other article) as the source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from storytrace.ingest.clean import wire_name
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
        if not marks or any(m is False for m in marks):
            return False if marks else None
        return True if all(m is True for m in marks) else None


def _covered(article: Article, link: Reuse) -> float:
    """Share of the characters of the link's ``from`` side (its source article) that the evidence aligns."""
    sentences = {n for e in link.evidence for n in refs(e.from_sentence)}
    total = sum(end - start for start, end in article.sentences)
    if total <= 0:
        return 0.0
    part = sum(end - start for n, (start, end) in enumerate(article.sentences) if n in sentences)
    return part / total


def what_it_took(
    article: str, articles: dict[str, Article], reuse: Sequence[Reuse], common_source_whole: float
) -> Taken:
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
    # a wire is in the pile when one of its own items is (its outlet); a paper's page with the wire's dateline is not
    wires_here = {
        name.casefold() for a in articles.values() if a.outlet for name in (a.outlet, wire_name(a.outlet)) if name
    }
    shared: list[tuple[Kind, Take]] = []
    for r in reuse:
        if r.direction != "undecided" or not r.common_source or r.common_source.casefold() in wires_here:
            continue
        if article == r.derived:
            shared.append((_KIND_OF[r.kind], Take(r.common_source, r.score, True, outside=True)))
        elif article == r.source and article in articles:
            # the link's score is of the other side; this side's share is what its aligned sentences cover
            share = _covered(articles[article], r)
            kind: Kind = ("copy" if r.kind == "copy" else "rewrite") if share >= common_source_whole else "derivative"
            shared.append((kind, Take(r.common_source, share, True, outside=True)))
    if shared:
        kind, take = max(shared, key=lambda x: (x[1].share, x[1].source))
        return Taken(kind, [take])
    return Taken("original")


def taken_up_by(article: str, reuse: Sequence[Reuse]) -> list[str]:
    """The articles that took from this one (decided links only)."""
    return sorted({r.derived for r in reuse if r.source == article and r.direction == "decided"})
