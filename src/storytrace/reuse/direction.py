"""Which of two linked articles is the source: plain-worded votes from what the articles carry.

Decisive votes (an arrow needs one): credits/datelines and wire copy, below. Strong: publication time (earlier is the source), credits/datelines (an article crediting the other's
outlet, or carrying a dateline in that outlet's name, took from it), and wire copy (a wire service's item is the
likely source of a paper that shares its narrative, not the other way round, unless the wire credits the paper). Weak votes: containment asymmetry (the source
holds details the derived lacks), names (rewrites drop people's names; the source names them), quotes (the source
quotes, the rewrite turns the quote into reported speech). Contradicting strong votes, or weak votes that cancel,
leave the direction undecided; the caller then orders the pair by id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from storytrace.ingest.clean import wire_name
from storytrace.records import Article, ArticleFacts
from storytrace.reuse.align import Alignment

STRONG = 3
WEAK = 1


@dataclass
class Verdict:
    source_first: bool | None  # True: ``a`` is the source; False: ``b`` is; None: undecided
    reasons: list[str] = field(default_factory=list)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.replace(tzinfo=None) if t.tzinfo else t


def _time_vote(a: Article, b: Article) -> tuple[int, str] | None:
    ta, tb = _parse_time(a.published), _parse_time(b.published)
    if ta is None or tb is None or ta == tb:
        return None
    # A date without a time is midnight; a same-day pair with one side dated only tells nothing.
    if ta.date() == tb.date() and (len(a.published or "") <= 10 or len(b.published or "") <= 10):
        return None
    if ta < tb:
        return STRONG, f"published earlier ({a.published} before {b.published})"
    return -STRONG, f"published earlier ({b.published} before {a.published})"


def _mentions_outlet(article: Article, outlet: str) -> str | None:
    """Where ``article`` credits ``outlet``: its credits, byline, dateline, or a credit line in its first or last
    300 characters ("(Reuters) -", "Reuters contributed to this report")."""
    pattern = re.compile(r"\b" + re.escape(outlet) + r"\b", re.I)
    for credit in article.credits:
        if pattern.search(credit):
            return f"credits {outlet}"
    if article.dateline and pattern.search(article.dateline):
        return f"carries a {outlet} dateline"
    if article.byline and pattern.search(article.byline):
        return f"byline names {outlet}"
    # in the text only as a credit: a name in brackets, or with a verb of crediting. An outlet that is a subject of
    # the story ("the Sun's lawyers told the court", a paper suing a footballer) credits nothing.
    name = re.escape(outlet)
    credit_line = re.compile(
        rf"\(\s*(?:the\s+)?{name}\s*\)|(?:according to|told|reported by|via|source:|copyright|©)\s+(?:the\s+)?{name}\b"
        rf"|\b{name}\s+(?:contributed|first reported|reported|said in a report|reports)\b",
        re.I,
    )
    head, tail = article.text[:300], article.text[-300:]
    if credit_line.search(head) or credit_line.search(tail):
        return f"credits {outlet} in its text"
    return None


_DATELINE_WIRE = re.compile(r"\(([^()]{1,40})\)")


def wire_of(article: Article) -> str | None:
    """The wire service an article is an item of: its outlet is one, or its dateline carries one ("(AP) —")."""
    if article.outlet and (name := wire_name(article.outlet)):
        return name
    if article.dateline:
        m = _DATELINE_WIRE.search(article.dateline)
        if m and (name := wire_name(m.group(1).strip())):
            return name
    return None


def credited_wires(article: Article) -> set[str]:
    """Wire services the article credits anywhere ingest found a credit: dateline, credit lines, byline."""
    out: set[str] = set()
    if (w := wire_of(article)) is not None:
        out.add(w)
    for credit in [*article.credits, article.byline or ""]:
        for token in re.findall(r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3}", credit):
            if (w := wire_name(token)) is not None:
                out.add(w)
    return out


def _wire_vote(a: Article, b: Article) -> tuple[int, str] | None:
    wa, wb = wire_of(a), wire_of(b)
    if wa and not wb and not (b.outlet and _mentions_outlet(a, b.outlet)):
        return STRONG, f"is {wa} wire copy and the other is not"
    if wb and not wa and not (a.outlet and _mentions_outlet(b, a.outlet)):
        return -STRONG, f"is {wb} wire copy and the other is not"
    return None


def _timed(article: Article) -> bool:
    """Published with a time of day, not a bare date: only then does "earlier" order two items of one day."""
    return len(article.published or "") > 10


def _credit_vote(a: Article, b: Article) -> tuple[int, str] | None:
    ab = _mentions_outlet(b, a.outlet) if a.outlet and a.outlet != b.outlet else None
    ba = _mentions_outlet(a, b.outlet) if b.outlet and b.outlet != a.outlet else None
    if ab and not ba:
        return STRONG, f"the derived article {ab}"
    if ba and not ab:
        return -STRONG, f"the derived article {ba}"
    return None


def _people(facts: ArticleFacts | None, sentences: set[int]) -> set[str]:
    """Last names of the PERSON entities in the given sentences ("Ana Ruiz" and "Ms Ruiz" are one person)."""
    if facts is None:
        return set()
    out: set[str] = set()
    for e in facts.entities:
        if e.label == "PERSON" and e.sentence in sentences:
            parts = (e.key or e.text).split()
            if parts:
                out.add(parts[-1].lower().strip(".,'’s"))
    return out


def _names_vote(
    a: Article, b: Article, fa: ArticleFacts | None, fb: ArticleFacts | None, al_b_from_a: Alignment
) -> tuple[int, str] | None:
    """Only the aligned sentences count: a name in padding or own material says nothing about who took from whom."""
    a_sents = {s for link in al_b_from_a.links for s in link.source}
    b_sents = {s for link in al_b_from_a.links for s in link.derived}
    only_a = {p for p in _people(fa, a_sents) if p not in b.text.lower()}
    only_b = {p for p in _people(fb, b_sents) if p not in a.text.lower()}
    if only_a and not only_b:
        return WEAK, "names people the other leaves unnamed (" + ", ".join(sorted(only_a)[:3]) + ")"
    if only_b and not only_a:
        return -WEAK, "names people the other leaves unnamed (" + ", ".join(sorted(only_b)[:3]) + ")"
    return None


def _containment_vote(ab: float, ba: float) -> tuple[int, str] | None:
    """``ab``: share of b explained by a; ``ba``: share of a explained by b."""
    if ab - ba >= 0.15:
        return WEAK, "contains details the other lacks"
    if ba - ab >= 0.15:
        return -WEAK, "contains details the other lacks"
    return None


_QUOTE_MARK = re.compile(r"[“”\"]|``|''")


def _quote_vote(a: Article, b: Article, al_b_from_a: Alignment) -> tuple[int, str] | None:
    """Aligned pairs where one side quotes and the other words the same thing without quote marks."""
    a_quotes = b_quotes = 0
    for link in al_b_from_a.links:
        if link.match != "paraphrase":
            continue
        qa = any(_QUOTE_MARK.search(a.sentence_text(s)) for s in link.source)
        qb = any(_QUOTE_MARK.search(b.sentence_text(s)) for s in link.derived)
        a_quotes += qa and not qb
        b_quotes += qb and not qa
    if a_quotes > b_quotes:
        return WEAK, "keeps quotes verbatim that the other rewords"
    if b_quotes > a_quotes:
        return -WEAK, "keeps quotes verbatim that the other rewords"
    return None


def decide_direction(
    a: Article,
    b: Article,
    facts_a: ArticleFacts | None,
    facts_b: ArticleFacts | None,
    b_explained_by_a: float,
    a_explained_by_b: float,
    alignment_b_from_a: Alignment,
) -> Verdict:
    """Vote on whether ``a`` is the source of ``b``. Reasons are given for the winning side only.

    An arrow is an accusation ("b took from a"), so it needs a decisive signal: a credit or dateline naming the other
    outlet, or wire copy against a paper. Two sites that run the same wire story look exactly like one copying the
    other — an earlier date, more detail and kept quotes say nothing about which — so without a decisive signal the
    link stays undecided (no arrow; most often a common source), with what the weaker signals said as its reasons.
    Publication times decide only when both carry a time of day: wire copy spreads over days, so a bare date that is
    earlier says nothing about who took from whom."""
    decisive = [v for v in (_credit_vote(a, b), _wire_vote(a, b)) if v is not None]
    time = _time_vote(a, b)
    if time is not None and _timed(a) and _timed(b):
        decisive.append(time)  # hours apart on one clock: the later text could not have fed the earlier
    weak = [
        v
        for v in (
            time,
            _names_vote(a, b, facts_a, facts_b, alignment_b_from_a),
            _containment_vote(b_explained_by_a, a_explained_by_b),
            _quote_vote(a, b, alignment_b_from_a),
        )
        if v is not None
    ]
    if not decisive:
        said = "; ".join(r for _, r in weak)
        return Verdict(None, ["no credit or wire copy says who took from whom" + (f" ({said})" if said else "")])
    sides = {v[0] > 0 for v in decisive}
    if time is not None:
        sides.add(time[0] > 0)  # a wire item published after the paper did not feed it
    if len(sides) == 2:
        return Verdict(
            None, ["strong signals disagree: " + "; ".join(r for _, r in [*decisive, *([time] if time else [])])]
        )
    first = decisive[0][0] > 0
    return Verdict(first, [r for w, r in [*decisive, *weak] if (w > 0) == first])
