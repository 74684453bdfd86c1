"""Outlets across stories: per outlet, what its articles are (original, copy, rewrite, ...), whom it takes from
most, and how often it says so.

Everything here is read from what the store already holds, through its public methods (``Store.dossier()``): the
verdicts the cross-check stage wrote on each article of each story, and the decided reuse links with their credit.
Nothing is recomputed. An outlet is its name as the articles give it (``Article.outlet``), whitespace collapsed and
case ignored; articles that name no outlet are counted apart, never guessed.

Counting rules, so that an outlet page accuses no more than the stories it links to:
- a verdict counts once per story it is given in (an article in two stories has two verdicts); an article of a
  story stored before verdicts existed counts as ``no verdict``;
- "takes from" counts decided reuse links only (an undecided link is no accusation); a link between two articles
  of the same outlet is the outlet reusing its own copy and is left out;
- where an article's verdict names a source outside the store (a wire both it and others ran) and no decided link
  explains it, that source counts once, with the verdict's credit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from storytrace.records import Article, Dossier, Story, Verdict
from storytrace.store.store import Store, UnknownId

# the order outlets show their verdicts in, as records.Verdict.verdict has them; "none": no stored verdict
VERDICT_KINDS: tuple[str, ...] = ("original", "copy", "rewrite", "derivative", "aggregation", "commentary", "none")


class UnknownOutlet(UnknownId):
    """No article of a stored story names this outlet."""

    def __init__(self, name: str) -> None:
        super().__init__("outlet", name)
        self.args = (f"no outlet named {name!r} in the stored stories",)


def outlet_key(name: str | None) -> str | None:
    """The identity of an outlet name: whitespace collapsed, case folded; None for no name."""
    if name is None:
        return None
    key = " ".join(name.split()).casefold()
    return key or None


@dataclass
class SourceTally:
    """How often one outlet takes from another (or from a source outside the store), and with what credit."""

    outlet: str
    links: int = 0
    credited: int = 0
    uncredited: int = 0
    unknown: int = 0  # the reuse stage could not tell


@dataclass
class OutletSummary:
    name: str
    articles: int  # distinct articles
    stories: int
    verdicts: dict[str, int]  # VERDICT_KINDS -> count (one per article per story)
    takes_from: list[SourceTally]  # most links first
    credited: int = 0  # over every link it takes from
    uncredited: int = 0
    unknown: int = 0

    @property
    def links(self) -> int:
        return self.credited + self.uncredited + self.unknown


@dataclass
class TakenFrom:
    """One source of one article: the source article (when it is in the store) or a name outside it."""

    outlet: str
    article: str | None
    kind: str  # copy | rewrite | partial, or the verdict for a source outside the store
    credited: bool | None


@dataclass
class OutletArticle:
    """One article of the outlet in one story, with the evidence to open: the story, the article, its sources."""

    story: str
    headline: str
    article: str
    title: str | None
    published: str | None
    verdict: Verdict | None
    sources: list[TakenFrom] = field(default_factory=list)


@dataclass
class OutletDetail:
    outlet: OutletSummary
    articles: list[OutletArticle]
    taken_by: list[SourceTally]  # the outlets that take from this one, most links first


@dataclass
class OutletsReport:
    outlets: list[OutletSummary]
    unnamed_articles: int  # articles in stories that name no outlet


class _Index:
    """One pass over a dossier: every (story, article) row with its sources, per outlet key."""

    def __init__(self, dossier: Dossier) -> None:
        self.articles: dict[str, Article] = {a.id: a for a in dossier.articles}
        self.names: dict[str, Counter[str]] = {}  # key -> spellings seen
        self.rows: dict[str, list[OutletArticle]] = {}
        self.unnamed: set[str] = set()
        for story in dossier.stories:
            self._story(story)

    def key_of(self, article_id: str) -> str | None:
        art = self.articles.get(article_id)
        return outlet_key(art.outlet) if art else None

    def name(self, key: str) -> str:
        return self.names[key].most_common(1)[0][0]

    def _story(self, story: Story) -> None:
        verdicts = {v.article: v for v in story.verdicts}
        for aid in story.articles:
            art = self.articles.get(aid)
            if art is None:
                continue
            key = outlet_key(art.outlet)
            if key is None:
                self.unnamed.add(aid)
                continue
            assert art.outlet is not None
            self.names.setdefault(key, Counter())[" ".join(art.outlet.split())] += 1
            sources = [
                TakenFrom(self._outlet_name(r.source), r.source, r.kind, r.credited)
                for r in sorted(story.reuse, key=lambda r: (-r.score, r.source))
                if r.derived == aid and r.direction == "decided" and self.key_of(r.source) != key
            ]
            verdict = verdicts.get(aid)
            outside = verdict.source if verdict is not None and verdict.source not in self.articles else None
            if not sources and verdict is not None and outside and outlet_key(outside) != key:
                sources = [TakenFrom(" ".join(outside.split()), None, verdict.verdict, verdict.credited)]
            self.rows.setdefault(key, []).append(
                OutletArticle(story.id, story.headline, aid, art.title, art.published, verdict, sources)
            )

    def _outlet_name(self, article_id: str) -> str:
        art = self.articles.get(article_id)
        if art is None or outlet_key(art.outlet) is None:
            return "(no outlet named)"
        assert art.outlet is not None
        return " ".join(art.outlet.split())

    def summary(self, key: str) -> OutletSummary:
        rows = self.rows[key]
        verdicts = dict.fromkeys(VERDICT_KINDS, 0)
        for row in rows:
            kind = row.verdict.verdict if row.verdict else "none"
            verdicts[kind] = verdicts.get(kind, 0) + 1
        tallies: dict[str, SourceTally] = {}
        for row in rows:
            for src in row.sources:
                _count(tallies, src.outlet, src.credited)
        out = OutletSummary(
            name=self.name(key),
            articles=len({r.article for r in rows}),
            stories=len({r.story for r in rows}),
            verdicts=verdicts,
            takes_from=_ranked(tallies),
        )
        for t in out.takes_from:
            out.credited += t.credited
            out.uncredited += t.uncredited
            out.unknown += t.unknown
        return out

    def taken_by(self, key: str) -> list[SourceTally]:
        tallies: dict[str, SourceTally] = {}
        for other, rows in self.rows.items():
            if other == key:
                continue
            for row in rows:
                for src in row.sources:
                    if src.article is not None and self.key_of(src.article) == key:
                        _count(tallies, self.name(other), src.credited)
        return _ranked(tallies)


def _count(tallies: dict[str, SourceTally], outlet: str, credited: bool | None) -> None:
    tally = tallies.setdefault(outlet.casefold(), SourceTally(outlet))
    tally.links += 1
    if credited is None:
        tally.unknown += 1
    elif credited:
        tally.credited += 1
    else:
        tally.uncredited += 1


def _ranked(tallies: dict[str, SourceTally]) -> list[SourceTally]:
    return sorted(tallies.values(), key=lambda t: (-t.links, -t.uncredited, t.outlet.casefold()))


def credit_share(credited: int, uncredited: int, unknown: int) -> str:
    """The credit of some links in plain words: "2 of 3 credited (1 unknown)"; empty when there are none."""
    known = credited + uncredited
    if not known + unknown:
        return ""
    text = f"{credited} of {known} credited" if known else "credit unknown"
    return text + (f" ({unknown} unknown)" if unknown and known else "")


def outlets_of(dossier: Dossier) -> OutletsReport:
    """Every outlet of a dossier's stories, most articles first."""
    index = _Index(dossier)
    summaries = [index.summary(k) for k in index.rows]
    summaries.sort(key=lambda s: (-s.articles, -s.stories, s.name.casefold()))
    return OutletsReport(summaries, len(index.unnamed))


def outlet_of(dossier: Dossier, name: str) -> OutletDetail:
    """One outlet of a dossier (its name in any case and spacing): its summary, its articles story by story, and
    who takes from it. Raises ``UnknownOutlet`` (an ``UnknownId``) when no article of a story names it."""
    index = _Index(dossier)
    key = outlet_key(name)
    if key is None or key not in index.rows:
        raise UnknownOutlet(name)
    rows = sorted(index.rows[key], key=lambda r: (r.published or "", r.story, r.article), reverse=True)
    return OutletDetail(index.summary(key), rows, index.taken_by(key))


def list_outlets(store: Store) -> OutletsReport:
    """Every outlet in the store's stories (see the module's counting rules)."""
    return outlets_of(store.dossier())


def get_outlet(store: Store, name: str) -> OutletDetail:
    """One outlet of the store. Raises ``UnknownOutlet`` (an ``UnknownId``) for an outlet no stored story has."""
    return outlet_of(store.dossier(), name)


__all__ = [
    "VERDICT_KINDS",
    "OutletArticle",
    "OutletDetail",
    "OutletSummary",
    "OutletsReport",
    "SourceTally",
    "TakenFrom",
    "UnknownOutlet",
    "credit_share",
    "get_outlet",
    "list_outlets",
    "outlet_key",
    "outlet_of",
    "outlets_of",
]
