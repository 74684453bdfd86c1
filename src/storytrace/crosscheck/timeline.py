"""The story's dated events in order, each citing its claims and articles, with the date's precision."""

from __future__ import annotations

from storytrace.crosscheck.text import short
from storytrace.records import StoryClaim, TimelineEntry

_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


def build_timeline(claims: list[StoryClaim]) -> list[TimelineEntry]:
    """One entry per (claim, resolved date): the most precise value its mentions agree on.

    Claims whose mentions disagree on the date were already split into separate claims (and a date conflict), so
    each entry's date is one that its articles state.
    """
    entries: list[TimelineEntry] = []
    for c in claims:
        dated = [(d, m.article) for m in c.mentions for d in m.dates if d.value and d.precision]
        if not dated:
            continue
        best: dict[str, tuple[str, list[str]]] = {}
        for d, art in dated:
            key = d.value or ""
            prec, arts = best.get(key, (d.precision or "day", []))
            if art not in arts:
                arts.append(art)
            best[key] = (prec, arts)
        # keep only the most precise values: "2024-05" adds nothing beside "2024-05-03"
        values = sorted(best, key=lambda v: (_RANK.get(best[v][0], 9), v))
        kept: list[str] = []
        for v in values:
            if not any(k.startswith(v) for k in kept):
                kept.append(v)
        for v in kept:
            prec, arts = best[v]
            entries.append(
                TimelineEntry(
                    date=v,
                    precision=prec,  # type: ignore[arg-type]
                    text=short(c.text, 240),
                    claims=[c.id],
                    articles=sorted(arts),
                )
            )
    entries.sort(key=lambda e: (e.date[:10], _RANK.get(e.precision, 9), e.claims))
    return entries
