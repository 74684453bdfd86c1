"""Contradictions between claims of a story. A conflict is an accusation, so every rule here asks for more than a
difference: numbers must count the same thing, dates must date the same claim, people must hold the same specific
role, and each conflict quotes both sides in its explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from storytrace.crosscheck.align import ClaimItem
from storytrace.crosscheck.context import StoryContext, first_sentence
from storytrace.crosscheck.text import (
    content_words,
    counted_thing,
    numbers_compatible,
    overlap,
    same_thing,
    short,
    stem,
)
from storytrace.datewords import WEEKDAY_NAMES
from storytrace.records import Conflict, ConflictSide, DateMention, NumberMention


@dataclass
class Disagreement:
    kind: str  # number | date | negation | tense
    severity: str
    detail: str  # the differing parts, for the explanation


def _counted(ctx: StoryContext, item: ClaimItem, n: NumberMention) -> str | None:
    if n.counts:
        return n.counts.lower()
    text = ctx.articles[item.article].text
    if 0 < n.end <= len(text) and text[n.start : n.end].strip() == n.text.strip():
        return counted_thing(n, text[n.end : n.end + 60], n.end)
    # offsets unknown: find the figure in the claim's own text
    m = re.search(re.escape(n.text), item.text)
    if m:
        return counted_thing(NumberMention(n.text, n.low, n.high, None, m.start(), m.end()), item.text, 0)
    return None


def _date_span(d: DateMention) -> tuple[date, date] | None:
    if not d.value or not d.precision:
        return None
    try:
        if d.precision == "month" or len(d.value) == 7:
            y, m = int(d.value[:4]), int(d.value[5:7])
            start = date(y, m, 1)
            end = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
            return start, end
        if d.precision == "year" or len(d.value) == 4:
            y = int(d.value[:4])
            return date(y, 1, 1), date(y, 12, 31)
        day = date.fromisoformat(d.value[:10])
        if d.precision == "week":
            return day, day + timedelta(days=6)
        return day, day
    except ValueError:
        return None


def dates_compatible(a: DateMention, b: DateMention) -> bool | None:
    """True/False when both are resolved, None when either cannot be placed on the calendar."""
    sa, sb = _date_span(a), _date_span(b)
    if sa is None or sb is None:
        return None
    return sa[0] <= sb[1] and sb[0] <= sa[1]


_DATE_WORDS = {
    stem(w)
    for w in [
        *WEEKDAY_NAMES,
        "night",
        "morning",
        "evening",
        "afternoon",
        "late",
        "early",
        "today",
        "yesterday",
        "week",
        "month",
        "year",
    ]
}


_ONGOING = re.compile(r"\b(remain(?:s|ed)?|still|stay(?:s|ed)?|continu(?:e|es|ed)|were waiting|was waiting)\b", re.I)


def disagreements(ctx: StoryContext, a: ClaimItem, b: ClaimItem) -> list[Disagreement]:
    """What two aligned claims disagree on (empty when they can both hold)."""
    out: list[Disagreement] = []
    # a figure conflicts only when each side has a figure for the same thing that nothing on the other side fits
    # ("about 60 firefighters ... two firefighters" against "two firefighters" is no conflict)
    ca = [(n, _counted(ctx, a, n)) for n in a.numbers]
    cb = [(n, _counted(ctx, b, n)) for n in b.numbers]

    def unmatched(xs: list[tuple[NumberMention, str | None]], ys: list[tuple[NumberMention, str | None]]) -> list:
        return [
            (n, t)
            for n, t in xs
            if any(same_thing(t, u) for _, u in ys)
            and not any(same_thing(t, u) and numbers_compatible(n, m) for m, u in ys)
        ]

    ua, ub = unmatched(ca, cb), unmatched(cb, ca)
    values_a = {n.low for n in a.numbers} | {n.high for n in a.numbers}
    values_b = {n.low for n in b.numbers} | {n.high for n in b.numbers}
    # a figure the other claim also states, for whatever it counts there ("two of them"), is no accusation
    pair = next(
        (
            (na, ta, nb)
            for na, ta in ua
            for nb, tb in ub
            if same_thing(ta, tb) and nb.low not in values_a and na.low not in values_b
        ),
        None,
    )
    if pair is not None:
        out.append(Disagreement("number", "high", f"“{pair[0].text}” vs “{pair[2].text}” {pair[1]}"))
    da = [d for d in a.dates if d.value]
    db = [d for d in b.dates if d.value]
    # the same event dated differently, not one state seen on two days ("held at anchor on Wednesday", "remained at
    # anchor on Thursday"): the claims must share most of their other words
    undated = overlap(a.stems - _DATE_WORDS, b.stems - _DATE_WORDS)
    ongoing = _ONGOING.search(a.text) or _ONGOING.search(b.text)
    if len(da) == 1 and len(db) == 1 and undated >= 0.6 and not ongoing and dates_compatible(da[0], db[0]) is False:
        out.append(Disagreement("date", "high", f"“{da[0].text}” ({da[0].value}) vs “{db[0].text}” ({db[0].value})"))
    lex = overlap(a.stems, b.stems)
    # negation and tense: only between nearly the same words, so that the "not" (or the "will") is what differs
    # rather than another clause of a longer sentence ("... and no ship had been allowed in")
    near = len(a.stems ^ b.stems) <= max(3, 0.3 * len(a.stems | b.stems))
    # and both must state the same action: "has not been established" does not deny "is under investigation"
    # (claims made without a parse carry no action; then the words alone decide)
    same_action = not (a.claim.action and b.claim.action) or a.claim.action == b.claim.action
    if a.negated != b.negated and near and lex >= 0.6 and same_action and not (a.future or b.future):
        out.append(Disagreement("negation", "high", "one states it, the other denies it"))
    elif a.future != b.future and lex >= 0.4 and not (a.negated or b.negated):
        out.append(Disagreement("tense", "low", "one reports it as done, the other as still to come"))
    return out


def side(ctx: StoryContext, item: ClaimItem) -> ConflictSide:
    return ConflictSide(article=item.article, sentence=item.sentence, text=item.text)


def explain(ctx: StoryContext, kind: str, a: ClaimItem, b: ClaimItem, detail: str) -> str:
    la, lb = ctx.label(a.article), ctx.label(b.article)
    head = {
        "number": "The figures cannot both be right",
        "date": "The dates disagree",
        "negation": "One account denies what the other states",
        "tense": "One account reports as done what the other says is still to come",
        "order": "The order of events differs",
        "entity": "Different people are named in the same role",
    }.get(kind, "The accounts differ")
    why = f" ({detail})" if kind in ("number", "date") else ""
    return f"{head}{why}: {la} says “{short(a.text)}”; {lb} says “{short(b.text)}”."


def pair_conflicts(
    ctx: StoryContext, clusters_items: list[tuple[list[ClaimItem], list[ClaimItem], str, str]]
) -> list[Conflict]:
    """One conflict per (claim pair, kind), between the first disagreeing mentions of two split sub-claims."""
    out: list[Conflict] = []
    for left, right, cid_l, cid_r in clusters_items:
        seen: set[str] = set()

        # the accusation is between two mentions: originals before their copies, exact figures before vague ones
        # (an editor checks "17" against "12", not "more than a dozen"), the earliest report first, then story order
        def rank(m: ClaimItem) -> tuple[bool, int, str, tuple[int, int]]:
            vague = sum(1 for n in m.numbers if n.low != n.high)
            return (ctx.is_derived(m.article), vague, ctx.published(m.article) or "9999", m.order)

        lefts = sorted(left, key=rank)
        rights = sorted(right, key=rank)
        for a in lefts:
            for b in rights:
                if a.article == b.article:
                    continue
                for d in disagreements(ctx, a, b):
                    if d.kind in seen:
                        continue
                    seen.add(d.kind)
                    out.append(
                        Conflict(
                            id="",
                            kind=d.kind,  # type: ignore[arg-type]
                            severity=d.severity,  # type: ignore[arg-type]
                            claims=[cid_l, cid_r],
                            articles=[a.article, b.article],
                            explanation=explain(ctx, d.kind, a, b, d.detail),
                            sides=[side(ctx, a), side(ctx, b)],
                        )
                    )
    return out


def _one_per_article(items: list[ClaimItem]) -> list[ClaimItem]:
    seen: set[str] = set()
    out = []
    for it in items:
        if it.article not in seen:
            seen.add(it.article)
            out.append(it)
    return out


# Roles that one person holds at a time, so two names for them is a contradiction rather than two officials.
_SINGLE_HOLDER = re.compile(
    r"\b(mayor|governor|president|prime minister|premier|chief executive|ceo|chairman|chairwoman|chair|"
    r"minister|secretary|chief|commissioner|director|captain|coroner|harbou?r ?master|superintendent|head)\b",
    re.IGNORECASE,
)


def _norm_role(role: str) -> str:
    words = [stem(w) for w in content_words(role)]
    return " ".join(words)


def role_conflicts(ctx: StoryContext, claim_of_sentence: dict[tuple[str, int], str]) -> list[Conflict]:
    """Different people named in the same specific role ("fire chief Ana Ruiz" vs "fire chief Tom Berg")."""
    holders: dict[str, dict[str, list[tuple[str, int, str]]]] = {}
    for a in ctx.article_ids:
        facts = ctx.facts.get(a)
        if facts is None:
            continue
        for e in facts.entities:
            if e.label != "PERSON" or not e.role or (a, e.sentence) in ctx.off_topic:
                continue
            role = _norm_role(e.role)
            if not role or not _SINGLE_HOLDER.search(e.role) or len(role.split()) < 2:
                continue  # "spokesman" or "official" alone: many people hold them
            key = (e.key or e.text).lower()
            holders.setdefault(role, {}).setdefault(a, []).append((key, e.sentence, e.text))
    out: list[Conflict] = []
    for _role, by_article in sorted(holders.items()):
        named = {a: {k for k, _, _ in v} for a, v in by_article.items()}
        single = {a: next(iter(ks)) for a, ks in named.items() if len(ks) == 1}
        arts = sorted(single)
        for i, x in enumerate(arts):
            for y in arts[i + 1 :]:
                kx, ky = single[x], single[y]
                if kx == ky or _same_person(kx, ky):
                    continue
                sx = by_article[x][0]
                sy = by_article[y][0]
                tx, ty = ctx.sentence(x, sx[1]), ctx.sentence(y, sy[1])
                claims = [c for c in (claim_of_sentence.get((x, sx[1])), claim_of_sentence.get((y, sy[1]))) if c]
                out.append(
                    Conflict(
                        id="",
                        kind="entity",
                        severity="high",
                        claims=claims,
                        articles=[x, y],
                        explanation=(
                            f"Different people are named as {role_label(by_article, x)}: {ctx.label(x)} names "
                            f"{sx[2]} (“{short(tx)}”); {ctx.label(y)} names {sy[2]} (“{short(ty)}”)."
                        ),
                        sides=[
                            ConflictSide(article=x, sentence=sx[1], text=tx),
                            ConflictSide(article=y, sentence=sy[1], text=ty),
                        ],
                    )
                )
    return out


def role_label(by_article: dict[str, list[tuple[str, int, str]]], article: str) -> str:
    return "the holder of the same role"


def _same_person(a: str, b: str) -> bool:
    """ "ana ruiz" and "ruiz" (or "dr ana ruiz") are one person."""
    wa, wb = set(a.replace(".", " ").split()), set(b.replace(".", " ").split())
    return bool(wa and wb) and (wa <= wb or wb <= wa or a.split()[-1] == b.split()[-1])


def order_conflicts(
    ctx: StoryContext,
    cluster_of_claim: dict[str, int],
    items_by_claim: dict[str, ClaimItem],
    story_claim_of: dict[str, str],
) -> list[Conflict]:
    """One article puts event A before B, another puts B before A (events compared by their aligned clusters)."""
    stated: dict[tuple[int, int], list[tuple[str, str, str]]] = {}
    for a in ctx.article_ids:
        facts = ctx.facts.get(a)
        if facts is None:
            continue
        for rel in facts.order:
            cb, ca = cluster_of_claim.get(rel.before), cluster_of_claim.get(rel.after)
            if cb is None or ca is None or cb == ca:
                continue
            stated.setdefault((cb, ca), []).append((a, rel.before, rel.after))
    out: list[Conflict] = []
    for (x, y), rels in sorted(stated.items()):
        if x > y or (y, x) not in stated:
            continue
        a1, b1, f1 = rels[0]
        a2, b2, _f2 = next((r for r in stated[(y, x)] if r[0] != a1), stated[(y, x)][0])
        if a1 == a2:
            continue
        ib1, if1, ib2 = items_by_claim.get(b1), items_by_claim.get(f1), items_by_claim.get(b2)
        if ib1 is None or if1 is None or ib2 is None:
            continue
        s1 = ConflictSide(
            article=a1, sentence=first_sentence(ib1.sentence), text=ctx.sentence(a1, first_sentence(ib1.sentence))
        )
        s2 = ConflictSide(
            article=a2, sentence=first_sentence(ib2.sentence), text=ctx.sentence(a2, first_sentence(ib2.sentence))
        )
        claims = sorted({story_claim_of.get(c, c) for c in (b1, f1, b2)})
        out.append(
            Conflict(
                id="",
                kind="order",
                severity="high",
                claims=claims,
                articles=sorted({a1, a2}),
                explanation=(
                    f"The order of events differs: {ctx.label(a1)} puts “{short(ib1.text, 80)}” before "
                    f"“{short(if1.text, 80)}” (“{short(s1.text)}”); {ctx.label(a2)} puts it the other way round "
                    f"(“{short(s2.text)}”)."
                ),
                sides=[s1, s2] if s1.sentence != s2.sentence or a1 != a2 else [s1],
            )
        )
    return out
