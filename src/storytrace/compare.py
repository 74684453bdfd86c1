"""Two articles side by side: what they share, what each has alone, whether one took from the other and which way,
and where they contradict each other.

``compare_articles(left, right)`` runs the shipped stages on the two (``storytrace.pipeline.parse_articles``, the
stories stage to learn whether the grouping would put them in one story, then ``analyze_story`` on a story of the
two) and reads the answer off the records: the reuse link and its grounds, the story tie, the claims, quotes and
conflicts. Nothing is re-derived here; this module only orients the findings left and right. ``render_compare_html``
draws it as one self-contained page (inline CSS, no script, autoescaped: ``dossier/templates/compare.html``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import jinja2

from storytrace.errors import UsageError
from storytrace.options import Options
from storytrace.records import (
    Article,
    ArticleFacts,
    Conflict,
    DiffOp,
    ReasonGround,
    Reuse,
    SentenceRef,
    Skipped,
    Story,
    StoryClaim,
    StoryGroup,
    StoryTie,
)

Side = Literal["left", "right"]


@dataclass
class Passage:
    """Two sentences, one each side, that the stages matched."""

    left: str
    right: str
    left_sentence: SentenceRef
    right_sentence: SentenceRef
    similarity: float
    match: str  # "verbatim", "paraphrase" (reuse evidence) or "close in meaning" (the story tie)
    quoted: bool  # either side holds a direct quote: a shared quote proves little about copying


@dataclass
class SharedQuote:
    """A quote both articles carry, with how faithfully each side renders it."""

    speaker: str | None
    left: str
    right: str
    similarity: float
    fidelity: dict[str, str] = field(default_factory=dict)  # side -> fidelity of that side's quote
    reasons: dict[str, str] = field(default_factory=dict)  # side -> the rule that decided it
    diff: list[DiffOp] = field(default_factory=list)  # '-' only on the left, '+' only on the right


@dataclass
class Because:
    """One reason of the reuse verdict, with the words or fields it rests on."""

    reason: str
    sentences: list[tuple[str, str]] = field(default_factory=list)  # (side label, sentence text)
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (side label, field, value)


@dataclass
class Comparison:
    left: Article
    right: Article
    labels: dict[str, str]  # article id -> display name
    story: Story  # the stages' findings on a story of the two
    same_story: bool  # whether the grouping, given the two, puts them in one story
    threshold: float  # the grouping's threshold (StoryOptions.threshold)
    tie: StoryTie | None
    reuse: Reuse | None
    verdict: str
    because: list[Because]
    passages: list[Passage]
    quotes: list[SharedQuote]
    shared_claims: list[StoryClaim]
    only_left: list[StoryClaim]
    only_right: list[StoryClaim]
    conflicts: list[Conflict]

    def side(self, article_id: str) -> Side:
        return "left" if article_id == self.left.id else "right"


def compare_articles(left: Article, right: Article, options: Options | None = None) -> Comparison:
    """Run the stages on ``left`` and ``right`` and put the findings side by side. Raises ``UsageError`` when the
    two are one text, or when a stage cannot read one of them."""
    from storytrace.dossier.html import article_labels
    from storytrace.pipeline import analyze_story, no_progress, parse_articles
    from storytrace.stories import group_stories, story_id, ties_of

    options = options or Options()
    if left.id == right.id:
        raise UsageError(f"{left.origin} and {right.origin} are the same text: nothing to compare")
    left_out: list[Skipped] = []
    arts, facts, vectors = parse_articles([left, right], options, no_progress, left_out)
    if left_out:
        raise UsageError(f"{left_out[0].origin}: {left_out[0].reason}")
    groups = group_stories(arts, facts, vectors, options.stories)
    same = len(groups) == 1
    ties = groups[0].ties if same else ties_of(arts, facts, vectors, options.stories)
    ids = sorted(a.id for a in arts)
    headline = groups[0].headline if same else (left.title or right.title or "")
    story = analyze_story(StoryGroup(story_id(ids), headline, ids, ties), arts, facts, vectors, options)
    labels = article_labels([left, right])
    quoted = {a.id: _quoted_sentences(facts.get(a.id)) for a in arts}
    reuse = story.reuse[0] if story.reuse else None
    tie = story.ties[0] if story.ties else None
    claims_left, claims_right, shared = _claims(story, left.id, right.id)
    return Comparison(
        left=left,
        right=right,
        labels=labels,
        story=story,
        same_story=same,
        threshold=options.stories.threshold,
        tie=tie,
        reuse=reuse,
        verdict=_verdict(reuse, tie, same, labels, options.stories.threshold),
        because=_because(reuse, {left.id: left, right.id: right}, labels),
        passages=_passages(reuse, tie, left, right, quoted),
        quotes=_quotes(story, left.id, right.id),
        shared_claims=shared,
        only_left=claims_left,
        only_right=claims_right,
        conflicts=list(story.conflicts),
    )


def _quoted_sentences(facts: ArticleFacts | None) -> set[int]:
    out: set[int] = set()
    for q in facts.quotes if facts is not None else []:
        out.update(_indices(q.sentence))
    return out


def _indices(ref: SentenceRef | None) -> list[int]:
    if ref is None:
        return []
    return list(ref) if isinstance(ref, list) else [ref]


def _text(article: Article, ref: SentenceRef) -> str:
    return " ".join(article.sentence_text(i) for i in _indices(ref) if 0 <= i < len(article.sentences))


def _verdict(reuse: Reuse | None, tie: StoryTie | None, same: bool, labels: dict[str, str], threshold: float) -> str:
    if reuse is not None and reuse.direction == "decided":
        return (
            f"{labels[reuse.derived]} took from {labels[reuse.source]}: a {reuse.kind}, "
            f"{round(reuse.score * 100)}% of it explained by the source."
        )
    if reuse is not None:
        common = f"; both credit {reuse.common_source}, likely their common source" if reuse.common_source else ""
        return (
            f"The two share narrative ({reuse.kind}, {round(reuse.score * 100)}%), but nothing says who took from "
            f"whom: no arrow, no accusation{common}."
        )
    score = f" (score {tie.score:.2f}" if tie is not None else " ("
    if same:
        return f"No reuse found: two independent reports of one story{score}, threshold {threshold:.2f})."
    return f"No reuse found, and the grouping keeps them apart as different stories{score}, threshold {threshold:.2f})."


def _because(reuse: Reuse | None, articles: dict[str, Article], labels: dict[str, str]) -> list[Because]:
    if reuse is None:
        return []
    out = []
    for n, reason in enumerate(reuse.reasons):
        g = reuse.grounds[n] if n < len(reuse.grounds) else ReasonGround(reason)
        sentences = [(labels[s.article], _text(articles[s.article], s.sentence)) for s in g.sentences]
        fields = [(labels[f.article], str(f.field), f.value) for f in g.fields]
        out.append(Because(reason, sentences, fields))
    return out


def _passages(
    reuse: Reuse | None, tie: StoryTie | None, left: Article, right: Article, quoted: dict[str, set[int]]
) -> list[Passage]:
    """The reuse evidence when there is a link (both directions of it), else the tie's sentences close in meaning."""

    def quotes(article: Article, ref: SentenceRef) -> bool:
        return any(i in quoted.get(article.id, set()) for i in _indices(ref))

    by_id = {left.id: left, right.id: right}
    out = []
    if reuse is not None:
        for e in reuse.evidence:
            refs = {reuse.source: e.from_sentence, reuse.derived: e.to_sentence}
            lr, rr = refs[left.id], refs[right.id]
            out.append(
                Passage(_text(left, lr), _text(right, rr), lr, rr, e.similarity, e.match,
                        quotes(left, lr) or quotes(right, rr))
            )  # fmt: skip
        return out
    if tie is not None:
        first, second = (by_id[a] for a in tie.articles)
        for p in tie.passages:
            refs = {first.id: p.first_sentence, second.id: p.second_sentence}
            lr, rr = refs[left.id], refs[right.id]
            out.append(
                Passage(_text(left, lr), _text(right, rr), lr, rr, p.similarity, "close in meaning",
                        quotes(left, lr) or quotes(right, rr))
            )  # fmt: skip
    return out


def _quotes(story: Story, left: str, right: str) -> list[SharedQuote]:
    """Quotes one side carries with a version on the other side; each pair once, left's wording first."""
    pairs: dict[tuple[str, str], SharedQuote] = {}
    for q in story.quotes:
        other = right if q.article == left else left
        for m in q.matches:
            if m.article != other:
                continue
            lt, rt = (q.text, m.text) if q.article == left else (m.text, q.text)
            sq = pairs.setdefault((lt, rt), SharedQuote(q.speaker, lt, rt, m.similarity))
            side = "left" if q.article == left else "right"
            sq.fidelity[side] = q.fidelity
            if q.reason:
                sq.reasons[side] = q.reason
            if side == "right" and m.diff:
                sq.diff = list(m.diff)  # this quote against the other version: '-' is left's, '+' right's
            elif side == "left" and m.diff and not sq.diff:
                sq.diff = [DiffOp({"-": "+", "+": "-"}.get(d.op, d.op), d.text) for d in m.diff]  # type: ignore[arg-type]
            sq.speaker = sq.speaker or q.speaker
    return list(pairs.values())


def _claims(story: Story, left: str, right: str) -> tuple[list[StoryClaim], list[StoryClaim], list[StoryClaim]]:
    """Claims only one side states, and those both state; a sentence split into several claims is listed once (an
    added one first: that is the finding)."""
    only_left: list[StoryClaim] = []
    only_right: list[StoryClaim] = []
    shared: list[StoryClaim] = []
    seen: set[tuple[str, ...]] = set()
    ranked = sorted(story.claims, key=lambda c: c.status != "unsupported_addition")  # stable: story order otherwise
    kept = []
    for c in ranked:
        key = tuple(sorted(f"{m.article}:{m.sentence}" for m in c.mentions))
        if key not in seen:
            seen.add(key)
            kept.append(c)
    for c in sorted(kept, key=story.claims.index):
        stating = {m.article for m in c.mentions}
        if stating == {left}:
            only_left.append(c)
        elif stating == {right}:
            only_right.append(c)
        elif {left, right} <= stating:
            shared.append(c)
    return only_left, only_right, shared


# --------------------------------------------------------------------------------------------------------------------
# reading the two, rendering


def read_one(spec: str, options: Options, db: str | None = None) -> Article:
    """One article from a file, URL or ``-``; with ``db``, a stored article id (unless ``spec`` is a path here)."""
    from storytrace.ingest import read_inputs

    is_path = spec == "-" or "://" in spec or Path(spec).exists()
    if db is not None and not is_path:
        from storytrace.store import open_store

        with open_store(db) as store:
            return store.get_article(spec)
    articles, skipped = read_inputs([spec], options.ingest)
    if skipped and not articles:
        raise UsageError(f"{skipped[0].origin}: {skipped[0].reason}")
    if not articles:
        raise UsageError(f"{spec}: no article found")
    if len(articles) > 1:
        raise UsageError(f"{spec} holds {len(articles)} articles: compare takes one article on each side")
    return articles[0]


def compare_inputs(a: str, b: str, options: Options | None = None, db: str | None = None) -> Comparison:
    options = options or Options()
    return compare_articles(read_one(a, options, db), read_one(b, options, db), options)


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        autoescape=True,
        loader=jinja2.PackageLoader("storytrace.dossier", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


_STATUS = {"corroborated": "corroborated", "single_source": "single source", "unsupported_addition": "added"}


def render_compare_html(c: Comparison) -> str:
    """The comparison as one self-contained HTML page: no script, no external asset, every text escaped."""
    template = _environment().get_template("compare.html")
    return template.render(c=c, status_labels=_STATUS, texts=_texts(c), mention=functools.partial(mention_text, c))


def _texts(c: Comparison) -> dict[str, list[str]]:
    return {
        side: [a.sentence_text(i) for i in range(len(a.sentences))]
        for side, a in (("left", c.left), ("right", c.right))
    }


def mention_text(c: Comparison, claim: StoryClaim, article_id: str) -> str:
    """The words with which ``article_id`` states ``claim``."""
    article = c.left if article_id == c.left.id else c.right
    for m in claim.mentions:
        if m.article == article_id:
            return _text(article, m.sentence) or m.text
    return claim.text


__all__ = ["Comparison", "compare_articles", "compare_inputs", "mention_text", "read_one", "render_compare_html"]
