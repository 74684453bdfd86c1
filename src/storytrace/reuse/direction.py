"""Which of two linked articles is the source: plain-worded votes from what the articles carry.

Decisive votes (an arrow needs one): credits/datelines and wire copy, below. Strong: publication time (earlier is the source), credits/datelines (an article crediting the other's
outlet, or carrying a dateline in that outlet's name, took from it), and wire copy (a wire service's item is the
likely source of a paper that shares its narrative, not the other way round, unless the wire credits the paper). Weak votes: containment asymmetry (the source
holds details the derived lacks), names (rewrites drop people's names; the source names them), quotes (the source
quotes, the rewrite turns the quote into reported speech). Contradicting strong votes, or weak votes that cancel,
leave the direction undecided; the caller then orders the pair by id.

Every vote carries what it rests on (``Vote``: sentences, or fields of an article such as its dateline), so each
reason of a link points at its ground (``Reuse.grounds``); the reasons' words are those of the votes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from storytrace.ingest.clean import wire_name
from storytrace.options import Declarations
from storytrace.records import Article, ArticleFacts, ArticleField, ArticleSentence, ReasonGround
from storytrace.reuse.align import Alignment

STRONG = 3
WEAK = 1


@dataclass
class Vote:
    """One signal: its weight (positive: ``a`` is the source), its reason in words, and what the reason rests on."""

    weight: int
    reason: str
    sentences: list[ArticleSentence] = field(default_factory=list)
    fields: list[ArticleField] = field(default_factory=list)


@dataclass
class Verdict:
    source_first: bool | None  # True: ``a`` is the source; False: ``b`` is; None: undecided
    reasons: list[str] = field(default_factory=list)
    grounds: list[ReasonGround] = field(default_factory=list)  # one per reason, same order


def ground(reason: str, votes: list[Vote]) -> ReasonGround:
    """What ``reason`` rests on: everything the ``votes`` it sums up rest on, each pointer once."""
    sentences: list[ArticleSentence] = []
    fields: list[ArticleField] = []
    for v in votes:
        sentences.extend(x for x in v.sentences if x not in sentences)
        fields.extend(x for x in v.fields if x not in fields)
    return ReasonGround(reason, sentences, fields)


def sentence_at(article: Article, offset: int) -> int | None:
    """The sentence holding character ``offset`` of the article's text."""
    for n, (start, end) in enumerate(article.sentences):
        if start <= offset < end:
            return n
    return None


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.replace(tzinfo=None) if t.tzinfo else t


def _time_vote(a: Article, b: Article) -> Vote | None:
    ta, tb = _parse_time(a.published), _parse_time(b.published)
    if ta is None or tb is None or ta == tb:
        return None
    # A date without a time is midnight; a same-day pair with one side dated only tells nothing.
    if ta.date() == tb.date() and (len(a.published or "") <= 10 or len(b.published or "") <= 10):
        return None
    times = [ArticleField(x.id, "published", x.published or "") for x in (a, b)]
    if ta < tb:
        return Vote(STRONG, f"published earlier ({a.published} before {b.published})", fields=times)
    return Vote(-STRONG, f"published earlier ({b.published} before {a.published})", fields=times[::-1])


@dataclass
class Credit:
    """Where an article credits an outlet: the words of the reason, and the field or sentence that carries it."""

    how: str
    sentences: list[ArticleSentence] = field(default_factory=list)
    fields: list[ArticleField] = field(default_factory=list)


def _mentions_outlet(article: Article, outlet: str) -> str | None:
    """Where ``article`` credits ``outlet``: its credits, byline, dateline, or a credit line in its first or last
    300 characters ("(Reuters) -", "Reuters contributed to this report")."""
    found = credit_of(article, outlet)
    return found.how if found is not None else None


def credit_of(article: Article, outlet: str) -> Credit | None:
    """:func:`_mentions_outlet`, with the field or the sentence the credit stands in."""
    pattern = re.compile(r"\b" + re.escape(outlet) + r"\b", re.I)
    for credit in article.credits:
        if pattern.search(credit):
            return Credit(f"credits {outlet}", fields=[ArticleField(article.id, "credits", credit)])
    if article.dateline and pattern.search(article.dateline):
        return Credit(f"carries a {outlet} dateline", fields=[ArticleField(article.id, "dateline", article.dateline)])
    if article.byline and pattern.search(article.byline):
        return Credit(f"byline names {outlet}", fields=[ArticleField(article.id, "byline", article.byline)])
    # in the text only as a credit: a name in brackets, or with a verb of crediting. An outlet that is a subject of
    # the story ("the Sun's lawyers told the court", a paper suing a footballer) credits nothing.
    name = re.escape(outlet)
    credit_line = re.compile(
        rf"\(\s*(?:the\s+)?{name}\s*\)|(?:according to|told|reported by|via|source:|copyright|©)\s+(?:the\s+)?{name}\b"
        rf"|\b{name}\s+(?:contributed|first reported|reported|said in a report|reports)\b",
        re.I,
    )
    head, tail = article.text[:300], article.text[-300:]
    for at, m in ((0, credit_line.search(head)), (len(article.text) - len(tail), credit_line.search(tail))):
        if m is not None:
            n = sentence_at(article, at + m.start())
            where = [ArticleSentence(article.id, n)] if n is not None else []
            return Credit(f"credits {outlet} in its text", sentences=where)
    return None


_DATELINE_WIRE = re.compile(r"\(([^()]{1,40})\)")


def wire_of(article: Article, declarations: Declarations | None = None) -> str | None:
    """The wire service an article is an item of: its outlet is one (a known wire, or one an editor declared), or
    its dateline carries one ("(AP) —")."""
    if declarations is not None and (declared := declarations.wire(article.outlet)):
        return declared
    if article.outlet and (name := wire_name(article.outlet)):
        return name
    if article.dateline:
        m = _DATELINE_WIRE.search(article.dateline)
        if m and (name := wire_name(m.group(1).strip())):
            return name
    return None


def credited_wires(article: Article, declarations: Declarations | None = None) -> set[str]:
    """Wire services the article credits anywhere ingest found a credit: dateline, credit lines, byline."""
    out: set[str] = set()
    if (w := wire_of(article, declarations)) is not None:
        out.add(w)
    for credit in [*article.credits, article.byline or ""]:
        for token in re.findall(r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3}", credit):
            if (w := _wire_named(token, declarations)) is not None:
                out.add(w)
    return out


def _wire_named(token: str, declarations: Declarations | None) -> str | None:
    return wire_name(token) or (declarations.wire(token) if declarations is not None else None)


def wire_fields(article: Article, declarations: Declarations | None = None) -> list[ArticleField]:
    """The fields that make an article a wire item (:func:`wire_of`): its outlet, else its dateline."""
    declared = declarations is not None and declarations.wire(article.outlet)
    if article.outlet and (declared or wire_name(article.outlet)):
        return [ArticleField(article.id, "outlet", article.outlet)]
    return [ArticleField(article.id, "dateline", article.dateline)] if article.dateline else []


def wire_credit_fields(article: Article, wire: str, declarations: Declarations | None = None) -> list[ArticleField]:
    """Where an article credits ``wire`` (:func:`credited_wires`): outlet, dateline, credit lines, byline."""
    out: list[ArticleField] = []
    if wire_of(article, declarations) == wire:
        out.extend(wire_fields(article, declarations))
    for kind, values in (("credits", article.credits), ("byline", [article.byline or ""])):
        for value in values:
            tokens = re.findall(r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3}", value)
            if any(_wire_named(t, declarations) == wire for t in tokens):
                out.append(ArticleField(article.id, kind, value))  # type: ignore[arg-type]
    return out


def _wire_vote(a: Article, b: Article, declarations: Declarations | None = None) -> Vote | None:
    wa, wb = wire_of(a, declarations), wire_of(b, declarations)

    def why(wire: str, x: Article) -> str:
        declared = declarations is not None and declarations.wire(x.outlet) == wire
        return f"is {wire} wire copy and the other is not" + (" (declared a wire by an editor)" if declared else "")

    if wa and not wb and not (b.outlet and _mentions_outlet(a, b.outlet)):
        return Vote(STRONG, why(wa, a), fields=wire_fields(a, declarations))
    if wb and not wa and not (a.outlet and _mentions_outlet(b, a.outlet)):
        return Vote(-STRONG, why(wb, b), fields=wire_fields(b, declarations))
    return None


PRESS_RELEASE_REASON = "is a press release (declared by an editor) and the other is not"


def _press_release_vote(a: Article, b: Article, declarations: Declarations | None) -> Vote | None:
    """A file an editor declared a press release is the source of what a report shares with it: reporters take
    from releases, releases do not take from reports."""
    if declarations is None:
        return None
    pa, pb = declarations.is_press_release(a.id), declarations.is_press_release(b.id)
    if pa and not pb:
        return Vote(STRONG, PRESS_RELEASE_REASON)
    if pb and not pa:
        return Vote(-STRONG, PRESS_RELEASE_REASON)
    return None


def _timed(article: Article) -> bool:
    """Published with a time of day, not a bare date: only then does "earlier" order two items of one day."""
    return len(article.published or "") > 10


def _credit_vote(a: Article, b: Article) -> Vote | None:
    ab = credit_of(b, a.outlet) if a.outlet and a.outlet != b.outlet else None
    ba = credit_of(a, b.outlet) if b.outlet and b.outlet != a.outlet else None
    if ab and not ba:
        return Vote(STRONG, f"the derived article {ab.how}", ab.sentences, ab.fields)
    if ba and not ab:
        return Vote(-STRONG, f"the derived article {ba.how}", ba.sentences, ba.fields)
    return None


def _surname(text: str) -> str | None:
    parts = text.split()
    return parts[-1].lower().strip(".,'’s") if parts else None


def _people(facts: ArticleFacts | None, sentences: set[int]) -> set[str]:
    """Last names of the PERSON entities in the given sentences ("Ana Ruiz" and "Ms Ruiz" are one person)."""
    if facts is None:
        return set()
    out: set[str] = set()
    for e in facts.entities:
        name = _surname(e.key or e.text) if e.label == "PERSON" and e.sentence in sentences else None
        if name is not None:
            out.add(name)
    return out


def _naming(
    article: Article, facts: ArticleFacts | None, names: set[str], sentences: set[int]
) -> list[ArticleSentence]:
    """The sentences (among ``sentences``) where ``article`` names the people ``names``."""
    found = {
        e.sentence
        for e in (facts.entities if facts is not None else [])
        if e.label == "PERSON" and e.sentence in sentences and _surname(e.key or e.text) in names
    }
    return [ArticleSentence(article.id, n) for n in sorted(found)]


def _names_vote(
    a: Article, b: Article, fa: ArticleFacts | None, fb: ArticleFacts | None, al_b_from_a: Alignment
) -> Vote | None:
    """Only the aligned sentences count: a name in padding or own material says nothing about who took from whom."""
    a_sents = {s for link in al_b_from_a.links for s in link.source}
    b_sents = {s for link in al_b_from_a.links for s in link.derived}
    only_a = {p for p in _people(fa, a_sents) if p not in b.text.lower()}
    only_b = {p for p in _people(fb, b_sents) if p not in a.text.lower()}
    if only_a and not only_b:
        named = sorted(only_a)[:3]
        reason = "names people the other leaves unnamed (" + ", ".join(named) + ")"
        return Vote(WEAK, reason, _naming(a, fa, set(named), a_sents))
    if only_b and not only_a:
        named = sorted(only_b)[:3]
        reason = "names people the other leaves unnamed (" + ", ".join(named) + ")"
        return Vote(-WEAK, reason, _naming(b, fb, set(named), b_sents))
    return None


def _containment_vote(ab: float, ba: float) -> Vote | None:
    """``ab``: share of b explained by a; ``ba``: share of a explained by b. It rests on the whole alignment."""
    if ab - ba >= 0.15:
        return Vote(WEAK, "contains details the other lacks")
    if ba - ab >= 0.15:
        return Vote(-WEAK, "contains details the other lacks")
    return None


_QUOTE_MARK = re.compile(r"[“”\"]|``|''")


def _quote_vote(a: Article, b: Article, al_b_from_a: Alignment) -> Vote | None:
    """Aligned pairs where one side quotes and the other words the same thing without quote marks."""
    a_quotes: list[ArticleSentence] = []  # the pairs where a quotes and b rewords, both sentences of each
    b_quotes: list[ArticleSentence] = []
    for link in al_b_from_a.links:
        if link.match != "paraphrase":
            continue
        qa = any(_QUOTE_MARK.search(a.sentence_text(s)) for s in link.source)
        qb = any(_QUOTE_MARK.search(b.sentence_text(s)) for s in link.derived)
        pair = [ArticleSentence(a.id, _ref(link.source)), ArticleSentence(b.id, _ref(link.derived))]
        if qa and not qb:
            a_quotes.extend(pair)
        if qb and not qa:
            b_quotes.extend(pair[::-1])
    if len(a_quotes) > len(b_quotes):
        return Vote(WEAK, "keeps quotes verbatim that the other rewords", a_quotes)
    if len(b_quotes) > len(a_quotes):
        return Vote(-WEAK, "keeps quotes verbatim that the other rewords", b_quotes)
    return None


def _ref(sentences: Sequence[int]) -> int | list[int]:
    return sentences[0] if len(sentences) == 1 else list(sentences)


def decide_direction(
    a: Article,
    b: Article,
    facts_a: ArticleFacts | None,
    facts_b: ArticleFacts | None,
    b_explained_by_a: float,
    a_explained_by_b: float,
    alignment_b_from_a: Alignment,
    declarations: Declarations | None = None,
) -> Verdict:
    """Vote on whether ``a`` is the source of ``b``. Reasons are given for the winning side only.

    An arrow is an accusation ("b took from a"), so it needs a decisive signal: a credit or dateline naming the other
    outlet, or wire copy against a paper. Two sites that run the same wire story look exactly like one copying the
    other — an earlier date, more detail and kept quotes say nothing about which — so without a decisive signal the
    link stays undecided (no arrow; most often a common source), with what the weaker signals said as its reasons.
    Publication times decide only when both carry a time of day: wire copy spreads over days, so a bare date that is
    earlier says nothing about who took from whom. ``declarations``: what an editor declared (wires, press
    releases) counts as decisive as a named wire does."""
    votes = (_credit_vote(a, b), _wire_vote(a, b, declarations), _press_release_vote(a, b, declarations))
    decisive = [v for v in votes if v is not None]
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
        said = "; ".join(v.reason for v in weak)
        reason = "no credit or wire copy says who took from whom" + (f" ({said})" if said else "")
        return Verdict(None, [reason], [ground(reason, weak)])
    sides = {v.weight > 0 for v in decisive}
    if time is not None:
        sides.add(time.weight > 0)  # a wire item published after the paper did not feed it
    if len(sides) == 2:
        said_by = [*decisive, *([time] if time else [])]
        reason = "strong signals disagree: " + "; ".join(v.reason for v in said_by)
        return Verdict(None, [reason], [ground(reason, said_by)])
    first = decisive[0].weight > 0
    kept = [v for v in [*decisive, *weak] if (v.weight > 0) == first]
    return Verdict(first, [v.reason for v in kept], [ground(v.reason, [v]) for v in kept])
