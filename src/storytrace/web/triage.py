"""The web app's triage: the filtered story list (``/``, ``/stories.json``) and a claim's own page
(``/claims/{story}/{claim}``), computed from records (the counts and filters of :mod:`storytrace.dossier.triage`).

A filter is the page's query string, so every filtered list is a link an editor can keep or send:
``/?only_accused=1&severity=high&outlet=Coastal+Wire&since=2025-03``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException

from storytrace.dossier.html import (
    STATUS_HELP,
    STATUS_LABELS,
    anchor_slug,
    article_labels,
    claim_anchor,
    sentence_anchor,
    story_anchor,
)
from storytrace.dossier.triage import SEVERITIES, SORTS, StoryCounts, Triaged, TriageFilter, triage
from storytrace.errors import UsageError
from storytrace.records import Dossier, StoryClaim
from storytrace.store import Store, UnknownId
from storytrace.store.triage import story_rows, triage_stories

SORT_LABELS = {
    "size": "size",
    "recent": "most recent",
    "contested": "most conflicts",
    "accusations": "most accusations",
}
FINDING_CHOICES = {
    "reuse": "decided reuse, not credited",
    "addition": "added claims",
    "conflict": "conflicts",
    "quote": "altered quotes",
}


def claim_href(story_id: str, claim_id: str) -> str:
    """A claim's own page: every mention of it, each linking to its sentence."""
    return f"/claims/{quote(story_id, safe='')}/{quote(claim_id, safe='')}"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def filter_from(params: QueryParams | Mapping[str, Any]) -> tuple[TriageFilter, str]:
    """The filter and sort a query string asks for; a 400 naming the bad value otherwise."""
    getlist = params.getlist if isinstance(params, QueryParams) else lambda k: list(params.get(k) or [])
    sort = str(params.get("sort") or "size")
    if sort not in SORTS:
        raise HTTPException(400, f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    size = str(params.get("min_articles") or "").strip()
    try:
        min_articles = int(size) if size else None
    except ValueError:
        raise HTTPException(400, f"min_articles wants a number of articles, got {size!r}") from None
    try:
        flt = TriageFilter.build(
            findings=[f for f in getlist("finding") if f],
            severity=params.get("severity") or None,
            outlet=params.get("outlet") or None,
            since=params.get("since") or None,
            until=params.get("until") or None,
            min_articles=min_articles,
            accused=_flag(params.get("only_accused")),
            search=params.get("q") or None,
        )
    except UsageError as exc:
        # the flags' words ("--since") read as the page's fields ("since")
        raise HTTPException(400, str(exc).replace("--min-articles", "min_articles").replace("--", "")) from exc
    return flt, sort


def query_of(flt: TriageFilter, sort: str, **changes: Any) -> str:
    """The query string of a filter (with ``changes``), for links that keep the rest of it."""
    values: dict[str, Any] = {
        "q": flt.search,
        "sort": None if sort == "size" else sort,
        "finding": sorted(flt.findings),
        "severity": flt.severity,
        "outlet": flt.outlet,
        "since": flt.since,
        "until": flt.until,
        "min_articles": None if flt.min_articles == (1 if flt.search else 2) else flt.min_articles,
        "only_accused": "1" if flt.accused else None,
    }
    values.update(changes)
    pairs: list[tuple[str, str]] = []
    for k, v in values.items():
        for item in v if isinstance(v, list) else [v]:
            if item is not None and item != "":
                pairs.append((k, str(item)))
    return "?" + urlencode(pairs) if pairs else ""


@dataclass
class Preset:
    label: str
    href: str
    current: bool


@dataclass
class StoryRow:
    counts: StoryCounts
    href: str
    findings: list[str]  # "2 reuse links, not credited", "5 conflicts (4 high)": the non-zero ones


def _findings(c: StoryCounts) -> list[str]:
    words = []
    if c.reuse:
        words.append(f"{c.reuse} reuse link{'s' * (c.reuse != 1)}, not credited")
    if c.additions:
        words.append(f"{c.additions} added claim{'s' * (c.additions != 1)}")
    if c.conflicts:
        high = f" ({c.high_conflicts} high)" if c.high_conflicts else ""
        words.append(f"{c.conflicts} conflict{'s' * (c.conflicts != 1)}{high}")
    if c.altered_quotes:
        words.append(f"{c.altered_quotes} altered quote{'s' * (c.altered_quotes != 1)}")
    return words


@dataclass
class StoriesPage:
    found: Triaged
    sort: str
    rows: list[StoryRow]
    outlets: list[str]  # every outlet of the stored stories, for the field's suggestions
    presets: list[Preset]
    show_all: str | None  # the same list with the hidden small stories, when some are hidden
    clear: str  # the list without any filter
    described: str
    findings: dict[str, str] = field(default_factory=lambda: dict(FINDING_CHOICES))
    severities: Sequence[str] = SEVERITIES
    sorts: dict[str, str] = field(default_factory=lambda: dict(SORT_LABELS))


def stories_page(store: Store, params: QueryParams) -> StoriesPage:
    flt, sort = filter_from(params)
    every = story_rows(store, flt.search)
    found = triage(every, flt, sort)
    if flt.search:  # the total is the store's ("No stories yet" only when it has none), not the search's
        found.total = len(store.list_stories())
    outlets = sorted({o for c in every for o in c.outlets}, key=str.casefold)
    q = flt.search
    choices = [
        ("All stories", TriageFilter.build(search=q)),
        ("With accusations", TriageFilter.build(accused=True, search=q)),
        ("High-severity conflicts", TriageFilter.build(severity="high", search=q)),
        ("Altered quotes", TriageFilter.build(findings=["quote"], search=q)),
        ("Added claims", TriageFilter.build(findings=["addition"], search=q)),
    ]
    presets = [Preset(label, "/" + query_of(f, sort), f == flt) for label, f in choices]
    rows = [StoryRow(c, f"/stories/{quote(c.id, safe='')}", _findings(c)) for c in found.rows]
    show_all = "/" + query_of(flt, sort, min_articles=1) if found.hidden_small else None
    return StoriesPage(
        found=found,
        sort=sort,
        rows=rows,
        outlets=outlets,
        presets=presets,
        show_all=show_all,
        clear="/" + query_of(TriageFilter(), sort),
        described=flt.describe(size=flt.min_articles != 2),
    )


def stories_json(store: Store, params: QueryParams) -> dict[str, Any]:
    """``/stories.json``: what ``storytrace stories --json`` prints."""
    flt, sort = filter_from(params)
    return triage_stories(store, flt, sort).to_dict()


# -- a claim's own page -----------------------------------------------------------------------------------------------


@dataclass
class MentionRow:
    article: str
    label: str  # outlet (or file name)
    title: str
    published: str | None
    group: int | None
    text: str  # the sentence that states it, as the article has it
    href: str  # /articles/<id>#a-<id>-s<n>
    in_story: str  # the same sentence on the story page


@dataclass
class ConflictRow:
    number: int
    kind: str
    severity: str
    explanation: str
    href: str


@dataclass
class ClaimPage:
    story_id: str
    headline: str
    claim: StoryClaim
    status_label: str
    status_help: str
    story_href: str  # the story page at this claim's row
    json_href: str
    mentions: list[MentionRow]
    conflicts: list[ConflictRow]
    same_sentence: list[tuple[str, str]]  # (claim id, its page): other claims made by the same sentence


def claim_page(dossier: Dossier, story_id: str, claim_id: str) -> ClaimPage:
    """Every mention of one claim, each with its sentence, linking to the article page and the story page."""
    story = dossier.stories[0]
    claim = next((c for c in story.claims if c.id == claim_id), None)
    if claim is None:
        raise UnknownId("claim", f"{story_id}/{claim_id}")
    articles = {a.id: a for a in dossier.articles}
    labels = article_labels(dossier.articles)
    group_of = {a: i for i, g in enumerate(story.groups) for a in g}
    story_page = f"/stories/{quote(story_id, safe='')}"
    mentions = []
    for m in claim.mentions:
        art = articles.get(m.article)
        index = m.sentence[0] if isinstance(m.sentence, list) and m.sentence else m.sentence
        if art is None or not isinstance(index, int):
            continue
        anchor = sentence_anchor(m.article, index)
        mentions.append(
            MentionRow(
                article=m.article,
                label=labels.get(m.article, m.article[:12]),
                title=art.title or "",
                published=(art.published or "")[:10] or None,
                group=group_of.get(m.article),
                text=art.sentence_text(index) if 0 <= index < len(art.sentences) else m.text,
                href=f"/articles/{quote(m.article, safe='')}#{anchor}",
                in_story=f"{story_page}#{anchor}",
            )
        )
    ordered = sorted(story.conflicts, key=lambda x: (x.severity != "high", x.id))
    number = {x.id: n for n, x in enumerate(ordered, 1)}
    anchor = story_anchor(story.id)
    conflicts = [
        ConflictRow(number[x.id], x.kind, x.severity, x.explanation, f"{story_page}#{anchor}-x-{anchor_slug(x.id)}")
        for x in ordered
        if x.id in claim.conflicts or claim.id in x.claims
    ]
    text = " ".join(claim.text.split()).casefold()
    same = [
        (c.id, claim_href(story_id, c.id))
        for c in story.claims
        if c.id != claim.id and " ".join(c.text.split()).casefold() == text
    ]
    return ClaimPage(
        story_id=story_id,
        headline=story.headline,
        claim=claim,
        status_label=STATUS_LABELS.get(claim.status, claim.status),
        status_help=STATUS_HELP.get(claim.status, ""),
        story_href=f"{story_page}#{claim_anchor(story.id, claim.id)}",
        json_href=claim_href(story_id, claim.id) + ".json",
        mentions=mentions,
        conflicts=conflicts,
        same_sentence=same,
    )


__all__ = ["ClaimPage", "StoriesPage", "claim_href", "claim_page", "filter_from", "stories_json", "stories_page"]
