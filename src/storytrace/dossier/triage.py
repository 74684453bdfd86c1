"""Triage: which stories an editor should read first, and filters over them.

The counts come from what the stages wrote down (``Story.reuse``, ``claims``, ``conflicts``, ``quotes``) and nothing
else, so the story list, ``storytrace stories``, the web app and a filtered report all say the same number for the
same story. Definitions, one each:

- **conflicts**: ``len(story.conflicts)``, the number the story page's header gives ("5 conflicts"); the lists call
  the same number "conflicts" too (a claim contradicted by two conflicts counts twice, as its two conflicts do);
- **accusations**: the findings that say some article did something wrong or that some account is wrong: decided
  reuse links (who took from whom) that are not credited, unsupported additions, conflicts and altered quotes. An
  undecided link names no taker, and a credited one names its source: neither accuses anyone;
- **outlets** and **dates**: the member articles' ``outlet`` (whitespace collapsed, case ignored, as the outlets
  pages count them) and ``published`` (its date part).

A :class:`TriageFilter` keeps a story when every condition it sets holds. Single-article stories are left out of
lists by default (``min_articles`` 2): one article has no one to copy from or to contradict, and on a pile of
unrelated pages they bury the stories that matter. ``min_articles=1`` shows them, and so does a search by default
(it asks for the stories it names).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from storytrace.errors import UsageError
from storytrace.records import Article, Dossier, Story
from storytrace.store.outlets import outlet_key as _outlet_identity

# the accusation kinds, in the newsroom's words: who copied, what a rewrite added, what disagrees, what was misquoted
FINDINGS = ("reuse", "addition", "conflict", "quote")
FINDING_LABELS = {
    "reuse": "decided reuse",
    "addition": "added claims",
    "conflict": "conflicts",
    "quote": "altered quotes",
}
SEVERITIES = ("high", "low")
SORTS = ("size", "recent", "contested", "accusations")
# Lists hide stories of fewer articles than this unless asked: a one-article story can hold no reuse, no
# corroboration and no conflict between sources (the report's own rules), so it has nothing to triage.
DEFAULT_MIN_ARTICLES = 2

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def outlet_key(name: str | None) -> str:
    """An outlet as the filters compare it: the outlets pages' identity (whitespace collapsed, case ignored); ""
    for no name."""
    return _outlet_identity(name) or ""


@dataclass(frozen=True)
class StoryCounts:
    """One story's triage facts: what the story list shows and what the filters test."""

    id: str
    headline: str
    n_articles: int
    n_groups: int
    reuse: int  # decided reuse links not credited (uncredited, or credit unknown)
    additions: int  # claims with status unsupported_addition
    conflicts: int  # all conflicts
    high_conflicts: int
    altered_quotes: int
    first_published: str | None  # date part (YYYY-MM-DD) of the earliest member article
    latest_published: str | None
    outlets: tuple[str, ...]  # display names, one per outlet key, sorted
    dates: tuple[str, ...] = ()  # every member article's date, sorted
    conflict_kinds: tuple[str, ...] = ()  # the kinds of its conflicts, sorted, each once

    @property
    def accusations(self) -> int:
        return self.reuse + self.additions + self.conflicts + self.altered_quotes

    def count(self, finding: str, severity: str | None = None) -> int:
        """How many findings of this kind; ``severity`` narrows conflicts to that severity."""
        if finding == "conflict":
            if severity == "high":
                return self.high_conflicts
            if severity == "low":
                return self.conflicts - self.high_conflicts
            return self.conflicts
        return {"reuse": self.reuse, "addition": self.additions, "quote": self.altered_quotes}[finding]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "headline": self.headline,
            "n_articles": self.n_articles,
            "n_groups": self.n_groups,
            "conflicts": self.conflicts,
            "high_conflicts": self.high_conflicts,
            "reuse": self.reuse,
            "additions": self.additions,
            "altered_quotes": self.altered_quotes,
            "accusations": self.accusations,
            "first_published": self.first_published,
            "latest_published": self.latest_published,
            "outlets": list(self.outlets),
            "conflict_kinds": list(self.conflict_kinds),
        }


@dataclass(frozen=True)
class Member:
    """What the counts need of an article: its outlet and publication time."""

    outlet: str | None
    published: str | None


def story_counts(story: Story, members: Mapping[str, Article | Member]) -> StoryCounts:
    """The triage facts of ``story``; ``members`` maps (at least) its article ids to the articles or their
    :class:`Member` facts. An article missing from ``members`` counts towards the size only."""
    outlets: dict[str, str] = {}
    dates: list[str] = []
    for aid in story.articles:
        m = members.get(aid)
        if m is None:
            continue
        key = outlet_key(m.outlet)
        if key and key not in outlets:
            outlets[key] = " ".join((m.outlet or "").split())
        if m.published:
            dates.append(m.published[:10])
    dates.sort()
    return StoryCounts(
        id=story.id,
        headline=story.headline,
        n_articles=len(story.articles),
        n_groups=len(story.groups),
        reuse=sum(r.direction == "decided" and r.credited is not True for r in story.reuse),
        additions=sum(c.status == "unsupported_addition" for c in story.claims),
        conflicts=len(story.conflicts),
        high_conflicts=sum(x.severity == "high" for x in story.conflicts),
        altered_quotes=sum(q.fidelity == "altered" for q in story.quotes),
        first_published=dates[0] if dates else None,
        latest_published=dates[-1] if dates else None,
        outlets=tuple(sorted(outlets.values(), key=outlet_key)),
        dates=tuple(dates),
        conflict_kinds=tuple(sorted({x.kind for x in story.conflicts})),
    )


def _check_date(flag: str, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    padded = value + "-01-01"[len(value) - 4 :] if _DATE.match(value) else ""
    try:
        _dt.date.fromisoformat(padded)
    except ValueError:
        raise UsageError(f"{flag} wants a date as YYYY-MM-DD (or YYYY-MM, YYYY), got {value!r}") from None
    return value


@dataclass(frozen=True)
class TriageFilter:
    """Which stories to keep. Every condition that is set must hold; an empty filter keeps stories of
    ``min_articles`` articles or more."""

    findings: frozenset[str] = frozenset()  # keep stories with at least one finding of any of these kinds
    severity: str | None = None  # conflicts of this severity only (and, alone, stories that have one)
    outlet: str | None = None  # some article is by this outlet
    since: str | None = None  # some article published on or after (YYYY, YYYY-MM or YYYY-MM-DD)
    until: str | None = None  # ... and on or before
    min_articles: int = DEFAULT_MIN_ARTICLES
    accused: bool = False  # keep only stories with an accusation
    search: str | None = None  # shown in the filter's description; the store does the searching

    @classmethod
    def build(
        cls,
        findings: Iterable[str] = (),
        severity: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        min_articles: int | None = None,
        accused: bool = False,
        search: str | None = None,
    ) -> TriageFilter:
        """A filter from flags or query parameters; ``UsageError`` naming the bad value."""
        kinds = frozenset(f.strip().lower() for f in findings if f and f.strip())
        unknown = sorted(kinds - set(FINDINGS))
        if unknown:
            raise UsageError(f"unknown finding {unknown[0]!r}: use one of {', '.join(FINDINGS)}")
        sev = severity.strip().lower() if severity and severity.strip() else None
        if sev is not None and sev not in SEVERITIES:
            raise UsageError(f"unknown severity {severity!r}: use one of {', '.join(SEVERITIES)}")
        # a search asks for the stories it names, whatever their size: only the plain list hides the small ones
        searching = bool(search and search.strip())
        size = (1 if searching else DEFAULT_MIN_ARTICLES) if min_articles is None else min_articles
        if size < 1:
            raise UsageError(f"--min-articles wants a number of articles, 1 or more, got {size}")
        start, end = _check_date("--since", since), _check_date("--until", until)
        if start and end and start[: len(end)] > end:
            raise UsageError(f"--since {start} is after --until {end}")
        return cls(
            findings=kinds,
            severity=sev,
            outlet=" ".join(outlet.split()) if outlet and outlet.strip() else None,
            since=start,
            until=end,
            min_articles=size,
            accused=accused,
            search=search.strip() if search and search.strip() else None,
        )

    def everything(self) -> TriageFilter:
        """The same filter with every story size shown."""
        return replace(self, min_articles=1)

    @property
    def narrows(self) -> bool:
        """Whether it sets a condition beyond the story size."""
        return bool(self.findings or self.severity or self.outlet or self.since or self.until or self.accused)

    def keeps(self, counts: StoryCounts) -> bool:
        if counts.n_articles < self.min_articles:
            return False
        return self.keeps_any_size(counts)

    def keeps_any_size(self, counts: StoryCounts) -> bool:
        """Every condition but the story size."""
        if self.accused and not counts.accusations:
            return False
        kinds = self.findings or (frozenset({"conflict"}) if self.severity else frozenset())
        if kinds and not any(counts.count(k, self.severity) for k in kinds):
            return False
        if self.outlet and outlet_key(self.outlet) not in {outlet_key(o) for o in counts.outlets}:
            return False
        if self.since or self.until:
            start, end = self.since, self.until
            if not any(
                (start is None or d[: len(start)] >= start) and (end is None or d[: len(end)] <= end)
                for d in counts.dates
            ):
                return False
        return True

    def describe(self, size: bool = True) -> str:
        """The filter in words, for a caption or a report's header: "with conflicts (high), by Coastal Wire,
        published 2025-03-01 to 2025-03-31, 2 or more articles" (``size``: with the story size)."""
        parts: list[str] = []
        if self.search:
            parts.append(f"matching “{self.search}”")
        if self.accused:
            parts.append("with accusations")
        kinds = self.findings or (frozenset({"conflict"}) if self.severity else frozenset())
        if kinds:
            words = [
                FINDING_LABELS[k] + (f" ({self.severity})" if k == "conflict" and self.severity else "")
                for k in FINDINGS
                if k in kinds
            ]
            parts.append("with " + " or ".join(words))
        if self.outlet:
            parts.append(f"by {self.outlet}")
        if self.since and self.until:
            parts.append(f"published {self.since} to {self.until}")
        elif self.since:
            parts.append(f"published {self.since} or later")
        elif self.until:
            parts.append(f"published {self.until} or earlier")
        if size and self.min_articles > 1:
            parts.append(f"{self.min_articles} or more articles")
        return ", ".join(parts)


@dataclass
class Triaged:
    """The stories a filter keeps, and how many more it would keep at any size (the hidden small ones)."""

    rows: list[StoryCounts]
    hidden_small: int = 0  # stories that pass every condition but are smaller than min_articles
    total: int = 0  # stories before filtering
    filter: TriageFilter = field(default_factory=TriageFilter)

    def to_dict(self) -> dict[str, object]:
        """What ``storytrace stories --json`` prints and ``/stories.json`` serves."""
        flt = self.filter
        return {
            "filter": {
                "search": flt.search,
                "findings": sorted(flt.findings),
                "severity": flt.severity,
                "outlet": flt.outlet,
                "since": flt.since,
                "until": flt.until,
                "min_articles": flt.min_articles,
                "only_accused": flt.accused,
                "description": flt.describe(),
            },
            "total": self.total,
            "hidden_small": self.hidden_small,
            "stories": [r.to_dict() for r in self.rows],
        }


def sort_counts(rows: Sequence[StoryCounts], sort: str = "size") -> list[StoryCounts]:
    """Biggest first (``size``), most recent article first (``recent``), most conflicts first (``contested``) or
    most accusations first (``accusations``); ties by size, then id, so the order is stable."""
    if sort not in SORTS:
        raise UsageError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if sort == "recent":
        dated = sorted((r for r in rows if r.latest_published), key=lambda r: (-r.n_articles, r.id))
        dated.sort(key=lambda r: r.latest_published or "", reverse=True)  # stable: size, id within one date
        return dated + sorted((r for r in rows if not r.latest_published), key=lambda r: (-r.n_articles, r.id))
    if sort == "contested":
        return sorted(rows, key=lambda r: (-r.conflicts, -r.n_articles, r.id))
    if sort == "accusations":
        return sorted(rows, key=lambda r: (-r.accusations, -r.n_articles, r.id))
    return sorted(rows, key=lambda r: (-r.n_articles, -r.n_groups, r.id))


def triage(counts: Iterable[StoryCounts], flt: TriageFilter, sort: str = "size") -> Triaged:
    """Filter and sort story counts."""
    every = list(counts)
    kept = [c for c in every if flt.keeps(c)]
    hidden = sum(1 for c in every if c.n_articles < flt.min_articles and flt.keeps_any_size(c))
    return Triaged(sort_counts(kept, sort), hidden, len(every), flt)


def dossier_counts(dossier: Dossier) -> list[StoryCounts]:
    articles = {a.id: a for a in dossier.articles}
    return [story_counts(s, articles) for s in dossier.stories]


def filter_dossier(dossier: Dossier, flt: TriageFilter) -> Dossier:
    """The dossier with only the stories ``flt`` keeps (in their order) and only their articles; skipped inputs
    stay. For a filtered report: the JSON dossier itself is never filtered."""
    kept_ids = {c.id for c in dossier_counts(dossier) if flt.keeps(c)}
    stories = [s for s in dossier.stories if s.id in kept_ids]
    members = {a for s in stories for a in s.articles}
    return replace(dossier, stories=stories, articles=[a for a in dossier.articles if a.id in members])


__all__ = [
    "DEFAULT_MIN_ARTICLES",
    "FINDINGS",
    "FINDING_LABELS",
    "SEVERITIES",
    "SORTS",
    "Member",
    "StoryCounts",
    "TriageFilter",
    "Triaged",
    "dossier_counts",
    "filter_dossier",
    "outlet_key",
    "sort_counts",
    "story_counts",
    "triage",
]
