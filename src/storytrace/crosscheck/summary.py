"""A short brief: what is corroborated, then what is contested. Every line is an article's own sentence (the
claim's representative mention) or a conflict's explanation, which quotes both sides; nothing else is written."""

from __future__ import annotations

from storytrace.records import Conflict, StoryClaim, SummaryLine

MAX_CORROBORATED = 6
MAX_CONTESTED = 4


def build_summary(claims: list[StoryClaim], conflicts: list[Conflict]) -> list[SummaryLine]:
    lines: list[SummaryLine] = []
    order = {c.id: i for i, c in enumerate(claims)}
    # a corroborated claim stays corroborated when another account contradicts it: the contested section below says so
    corroborated = [c for c in claims if c.status == "corroborated"]
    corroborated.sort(key=lambda c: (-c.independent_sources, order[c.id]))
    by_text: dict[str, SummaryLine] = {}
    for c in sorted(corroborated[:MAX_CORROBORATED], key=lambda c: order[c.id]):
        text = " ".join(c.text.split())
        if text in by_text:  # two clause-claims of one sentence: one line citing both
            line = by_text[text]
            line.claims.append(c.id)
            line.articles = sorted(set(line.articles) | {m.article for m in c.mentions})
            continue
        by_text[text] = SummaryLine(
            text=text, section="corroborated", claims=[c.id], articles=sorted({m.article for m in c.mentions})
        )
        lines.append(by_text[text])
    ranked = sorted(conflicts, key=lambda x: (x.severity != "high", x.id))
    for x in ranked[:MAX_CONTESTED]:
        lines.append(
            SummaryLine(text=x.explanation, section="contested", claims=list(x.claims), articles=list(x.articles))
        )
    return lines
