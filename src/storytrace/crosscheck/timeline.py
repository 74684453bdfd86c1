"""The story's dated events in order, each citing its claims and articles, with the date's precision."""

from __future__ import annotations

from storytrace.crosscheck.status import opinion_or_lead_in
from storytrace.crosscheck.text import short
from storytrace.records import StoryClaim, TimelineEntry

_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


def build_timeline(claims: list[StoryClaim]) -> list[TimelineEntry]:
    """One entry per (claim, resolved date): the most precise value its mentions agree on.

    Claims whose mentions disagree on the date were already split into separate claims (and a date conflict), so
    each entry's date is one that its articles state. A mention's first date is its event's; later ones are
    references ("on Thursday, two days after the fire"), so they are not events of their own. Opinion and lead-ins
    ("Here is how the wire reported it on Wednesday:") are not events.
    """
    entries: list[TimelineEntry] = []
    for c in claims:
        dated = [
            (first, m.article, m.text)
            for m in c.mentions
            if not opinion_or_lead_in(m.text)
            for first in [next((d for d in m.dates if d.value and d.precision), None)]
            if first is not None
        ]
        if not dated:
            continue
        # per date: its precision, the articles that state it, and the wording of the first mention that does
        best: dict[str, tuple[str, list[str], str]] = {}
        for d, art, text in dated:
            key = d.value or ""
            prec, arts, wording = best.get(key, (d.precision or "day", [], text))
            if art not in arts:
                arts.append(art)
            best[key] = (prec, arts, wording)
        # keep only the most precise values: "2024-05" adds nothing beside "2024-05-03"
        values = sorted(best, key=lambda v: (_RANK.get(best[v][0], 9), v))
        kept: list[str] = []
        for v in values:
            if not any(k.startswith(v) for k in kept):
                kept.append(v)
        for v in kept:
            prec, arts, wording = best[v]
            entries.append(
                TimelineEntry(
                    date=v,
                    precision=prec,  # type: ignore[arg-type]
                    text=short(wording, 240),
                    claims=[c.id],
                    articles=sorted(arts),
                )
            )
    entries.sort(key=lambda e: (e.date[:10], _RANK.get(e.precision, 9), e.claims))
    return entries
