"""A short brief: what is corroborated, then what is contested. Every line is an article's own sentence (the
claim's representative mention) or a conflict's explanation, which quotes both sides; nothing else is written."""

from __future__ import annotations

from storytrace.records import Conflict, StoryClaim, SummaryLine

MAX_CORROBORATED = 6
MAX_CONTESTED = 4


def build_summary(claims: list[StoryClaim], conflicts: list[Conflict]) -> list[SummaryLine]:
    lines: list[SummaryLine] = []
    conflicted = {c for x in conflicts for c in x.claims}
    order = {c.id: i for i, c in enumerate(claims)}
    corroborated = [c for c in claims if c.status == "corroborated" and c.id not in conflicted]
    corroborated.sort(key=lambda c: (-c.independent_sources, order[c.id]))
    for c in sorted(corroborated[:MAX_CORROBORATED], key=lambda c: order[c.id]):
        lines.append(
            SummaryLine(
                text=" ".join(c.text.split()),
                section="corroborated",
                claims=[c.id],
                articles=sorted({m.article for m in c.mentions}),
            )
        )
    ranked = sorted(conflicts, key=lambda x: (x.severity != "high", x.id))
    for x in ranked[:MAX_CONTESTED]:
        lines.append(
            SummaryLine(text=x.explanation, section="contested", claims=list(x.claims), articles=list(x.articles))
        )
    return lines
