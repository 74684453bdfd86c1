"""When each article was written relative to the story's main event: preview, report or follow-up.

The cross-check's preview rule (``crosscheck.timing.is_preview``: planned modality in the opening, or a day-precise
date there after publication) is read first, so the verdicts never call an article a report that the conflict rules
spared as a preview. That rule is generous on purpose (it only keeps previews from being accused); a report's lead
that looks ahead too ("decided on Friday to reopen the quay on Monday") trips it. So a verdict says preview only when
the claims stage also reads the opening as planned (``ArticleClaim.modality`` "planned" or ``kind`` "scheduled" in
its first two sentences), the opening does not date both its publication day and a later one (a report of an
announcement looks ahead too: "fares will rise on June 3, the board announced on Friday" reports Friday's news)
and the article came out on or before the main event's day (or either date is unknown).

The main event's day is voted by the story's source groups (copies count once) from the day-precise dates of their
leads (``ArticleClaim.kind`` "lead", ``DateMention.value``): dates on or before the article's publication, and dates
after it only from a lead that is planned (what a preview looks ahead to; a report's "will reopen on Monday" is a
consequence, not the event). Ties go to the latest day: a lead names the news first and the background after it. A
report published ``VerdictOptions.follow_up_days`` or more after that day is a follow-up. With no dated lead, the day
most source groups published on stands in for it (``busiest_day``), not the first publication: a story can hold an
earlier piece on an earlier turn of it, and the day's reports are no follow-ups of that.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from storytrace.crosscheck.context import StoryContext
from storytrace.crosscheck.status import opinion_or_lead_in
from storytrace.crosscheck.timing import LEAD_SENTENCES, is_preview
from storytrace.records import ArticleClaim
from storytrace.verdicts.padding import refs

Timing = Literal["preview", "report", "follow-up"]


def day_of(value: str | None) -> date | None:
    """The calendar day of an ISO date or datetime; None for month or year precision and for bad values."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _lead(claims: Sequence[ArticleClaim]) -> list[ArticleClaim]:
    """The article's lead claims, less opinion and lead-ins to a quoted passage."""
    return [c for c in claims if c.kind == "lead" and not opinion_or_lead_in(c.text)]


def lead_planned(claims: Sequence[ArticleClaim]) -> bool:
    """Whether the opening states something still to come, as the claims stage read it."""
    return any(
        (c.modality == "planned" or c.kind == "scheduled") and min(refs(c.sentence), default=0) < LEAD_SENTENCES
        for c in claims
    )


def announced_today(claims: Sequence[ArticleClaim], published: date | None) -> bool:
    """Whether the opening dates both the day of the article's publication and a later day: "will be lifted on Nov. 8,
    the administration announced Friday" (out on Friday) reports Friday's announcement of what comes on Nov. 8. A
    preview dates the event ahead alone, or with background before it ("set to meet on Friday", out on Friday
    morning; "shut since a fire on Tuesday night")."""
    if published is None:
        return False
    days = {
        day_of(d.value)
        for c in claims
        if min(refs(c.sentence), default=LEAD_SENTENCES) < LEAD_SENTENCES
        for d in c.dates
        if d.precision == "day"
    }
    return published in days and any(d is not None and d > published for d in days)


def main_event_day(ctx: StoryContext) -> date | None:
    """The day most source groups' leads name (ties: the latest); None when no lead dates anything."""
    votes: dict[date, set[int]] = {}
    for a in ctx.article_ids:
        published = day_of(ctx.published(a))
        facts = ctx.facts.get(a)
        if published is None or facts is None:
            continue
        ahead = lead_planned(facts.claims)
        for c in _lead(facts.claims):
            for d in c.dates:
                when = day_of(d.value) if d.precision == "day" else None
                if when is not None and (when <= published or ahead):
                    votes.setdefault(when, set()).add(ctx.group_of.get(a, -1))
    if not votes:
        return None
    best = max(len(groups) for groups in votes.values())
    return max(day for day, groups in votes.items() if len(groups) == best)


def busiest_day(ctx: StoryContext, looks_ahead: set[str]) -> date | None:
    """The day most source groups published on (copies count once; ties: the latest), among articles that do not
    look ahead: the day the news was reported. The first publication would make every article of a later wave a
    follow-up when the story holds an earlier piece about an earlier turn of it (a month-old report of the same
    senator, last month's jobs figures)."""
    groups: dict[date, set[int]] = {}
    for a in ctx.article_ids:
        day = day_of(ctx.published(a))
        if day is not None and a not in looks_ahead:
            groups.setdefault(day, set()).add(ctx.group_of.get(a, -1))
    if not groups:
        return None
    most = max(len(g) for g in groups.values())
    return max(day for day, g in groups.items() if len(g) == most)


def story_timing(ctx: StoryContext, follow_up_days: int) -> dict[str, Timing]:
    """Each article's timing. Without a main-event day, the day most source groups published on
    (``busiest_day``) stands in for it."""
    event = main_event_day(ctx)
    looks_ahead = {a for a in ctx.article_ids if is_preview(ctx, a)}
    if event is None:
        event = busiest_day(ctx, looks_ahead)
    out: dict[str, Timing] = {}
    for a in ctx.article_ids:
        published = day_of(ctx.published(a))
        facts = ctx.facts.get(a)
        planned = facts is not None and lead_planned(facts.claims) and not announced_today(facts.claims, published)
        before = event is None or published is None or published <= event
        if a in looks_ahead and planned and before:
            out[a] = "preview"
        elif event is not None and published is not None and (published - event).days >= follow_up_days:
            out[a] = "follow-up"
        else:
            out[a] = "report"
    return out
