"""Typed records that every pipeline stage takes and returns.

Records are small dataclasses. ``to_dict()`` / ``from_dict()`` exist only at the JSON and database edges; inside the
pipeline, stages pass records. Field names follow the dossier schema (``src/storytrace/dossier/schema.json``); where
the JSON name is a Python keyword (``from``), the field carries ``metadata={"json": "from"}``.

Sentence indices: every ``sentence`` / ``*_sentence`` field is an index into ``Article.sentences`` of the article it
names (or a list of indices where one sentence maps to several).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

SentenceRef = Union[int, list[int]]
Span = tuple[int, int]

T = TypeVar("T")


def _json_name(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("json", f.name))


def to_jsonable(value: Any) -> Any:
    """Turn records (and lists/dicts/tuples of them) into plain JSON values, honouring ``json`` field names."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            _json_name(f): to_jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.metadata.get("internal")
        }
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        # int | list[int]: pick by the value's own shape
        for a in args:
            if get_origin(a) is list and isinstance(value, list):
                return _convert(a, value)
        for a in args:
            if dataclasses.is_dataclass(a) and isinstance(value, dict):
                return _convert(a, value)
        return value
    if origin is list:
        inner = (get_args(tp) or (Any,))[0]
        return [_convert(inner, v) for v in value]
    if origin is tuple:
        targs = get_args(tp)
        if len(targs) == 2 and targs[1] is Ellipsis:
            return tuple(_convert(targs[0], v) for v in value)
        return tuple(_convert(a, v) for a, v in zip(targs, value, strict=False))
    if origin is dict:
        _, vt = get_args(tp)
        return {k: _convert(vt, v) for k, v in value.items()}
    if dataclasses.is_dataclass(tp) and isinstance(value, dict):
        return from_jsonable(tp, value)  # type: ignore[arg-type]
    return value


def from_jsonable(cls: type[T], data: dict[str, Any]) -> T:
    """Build a record of type ``cls`` from its JSON form (the inverse of :func:`to_jsonable`)."""
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        name = _json_name(f)
        if name in data:
            kwargs[f.name] = _convert(hints[f.name], data[name])
    return cls(**kwargs)


class Record:
    """Mixin: JSON round-trip for dataclass records."""

    def to_dict(self) -> dict[str, Any]:
        out = to_jsonable(self)
        assert isinstance(out, dict)
        return out

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        return from_jsonable(cls, data)


# --------------------------------------------------------------------------------------------------------------------
# Ingest


@dataclass
class Article(Record):
    """One article, read and cleaned. ``id`` is a hash of the normalised text, so the same text read twice is one
    article with both origins."""

    id: str
    origin: str
    origins: list[str]
    text: str
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    credits: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601 date or datetime
    dateline: str | None = None
    language: str | None = None
    removed: list[str] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    paragraphs: list[Span] = field(default_factory=list)
    format: str | None = None  # txt | md | html | json | jsonl | warc | feed | url | stdin
    # the wires, outlets and other media the article credits or attributes to (claims stage: ArticleFacts has the
    # same list; the pipeline copies it here so the dossier's articles[] carry it)
    sources_cited: list[SourceCited] = field(default_factory=list)

    def sentence_text(self, index: int) -> str:
        start, end = self.sentences[index]
        return self.text[start:end]


@dataclass
class SourceCited(Record):
    """A source an article credits or attributes to: "(AP)", "according to Channel 9", "told the BBC". Speakers of
    quotes are not sources cited: they stay on quotes. Rules: ``storytrace.claims.sources``."""

    name: str  # "Associated Press", "Channel 9", "local media"
    kind: Literal["wire", "outlet", "media", "agency", "person", "document"]
    text: str  # the words that cite it, as written
    sentence: SentenceRef  # [] when the words are in the dateline, credit lines or byline, not in the text


@dataclass
class Skipped(Record):
    """An input that could not be read: reported in one line, never fatal to the batch."""

    origin: str
    reason: str


# --------------------------------------------------------------------------------------------------------------------
# Claims stage: what one article says (per article, before any cross-article comparison)


@dataclass
class NumberMention(Record):
    """A quantity with what it counts. Vague quantities are ranges: "more than a dozen" -> low 13, high None."""

    text: str
    low: float | None
    high: float | None
    counts: str | None = None  # "nurses", "ships", "% rise in bus fares"
    start: int = 0  # character offsets into the article text
    end: int = 0


@dataclass
class DateMention(Record):
    """A date as written and, when anchored, resolved. ``value`` is ISO (YYYY-MM-DD for day and week precision,
    the week's Monday for week, YYYY-MM for month), or None when nothing anchors it."""

    text: str
    value: str | None
    precision: Literal["day", "week", "month", "year"] | None
    start: int = 0
    end: int = 0
    anchor: str | None = None  # what resolved it: "published", "dateline", "stated", "absolute"


@dataclass
class Entity(Record):
    """A named mention. ``key`` is the story-wide identity (filled by normalisation within a story): mentions of the
    same person ("Dr Ana Ruiz", "Ruiz", "the health minister", "she") share it."""

    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, ...
    sentence: int
    start: int
    end: int
    key: str | None = None
    role: str | None = None  # title or role attached to the mention: "health minister"


@dataclass
class ArticleClaim(Record):
    """A check-worthy statement of one article, with its checkable parts."""

    id: str  # "<article id>:c<n>"
    article: str
    sentence: SentenceRef
    text: str
    subject: str | None = None  # who/what
    action: str | None = None  # what happened (the main verb phrase, lemmatised)
    when: str | None = None
    where: str | None = None
    numbers: list[NumberMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)  # entity keys (or texts before normalisation)
    negated: bool = False
    modality: Literal["asserted", "possible", "planned", "reported"] = "asserted"
    attributed_to: str | None = None  # speaker key for indirect speech ("X said the hospital would ...")
    kind: str = "fact"  # lead | fact | number | attributed | scheduled


@dataclass
class ArticleQuote(Record):
    """A direct quote (full or partial) with its speaker and cue."""

    id: str  # "<article id>:q<n>"
    article: str
    sentence: SentenceRef
    text: str  # the quoted words, without the quote marks
    start: int  # character offsets of the quoted words in the article text
    end: int
    speaker: str | None = None  # the speaker's name as resolved ("Ana Ruiz"), None if unknown
    speaker_key: str | None = None
    cue: str | None = None  # "said", "told reporters", "wrote on X", "according to"
    partial: bool = False


@dataclass
class EventOrder(Record):
    """An order relation stated in one article: claim ``before`` happened before claim ``after``."""

    article: str
    before: str  # claim id
    after: str  # claim id
    cue: str  # "before", "after", "then", "later", ...
    sentence: int


@dataclass
class ArticleFacts(Record):
    """Everything the claims stage extracts from one article."""

    article: str
    entities: list[Entity] = field(default_factory=list)
    claims: list[ArticleClaim] = field(default_factory=list)
    quotes: list[ArticleQuote] = field(default_factory=list)
    order: list[EventOrder] = field(default_factory=list)
    sources_cited: list[SourceCited] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------------------------
# Stories and reuse


@dataclass
class ReuseEvidence(Record):
    from_sentence: SentenceRef
    to_sentence: SentenceRef
    similarity: float
    match: Literal["verbatim", "paraphrase"]


@dataclass
class Reuse(Record):
    """``derived`` (JSON ``to``) takes material from ``source`` (JSON ``from``)."""

    source: str = field(metadata={"json": "from"})
    derived: str = field(metadata={"json": "to"})
    kind: Literal["copy", "rewrite", "partial"]
    score: float  # share of the derived article explained by the source
    direction: Literal["decided", "undecided"] = "decided"
    reasons: list[str] = field(default_factory=list)  # why this direction: "published earlier", "wire dateline", ...
    evidence: list[ReuseEvidence] = field(default_factory=list)
    # undecided links are not an arrow: the two share narrative that neither explains in the other, most often both
    # ran one wire story or press release; named here when both credit the same wire
    common_source: str | None = None
    # does the derived article cite its source (outlet name, wire tag, link)? None when the source has no known name;
    # on an undecided link, whether both credit the common source (None when none is named): reuse.credit
    credited: bool | None = None
    # one per entry of ``reasons``, same order: what that reason rests on (sentences, or fields of an article)
    grounds: list[ReasonGround] = field(default_factory=list)


@dataclass
class ArticleSentence(Record):
    """A pointer to the words a finding rests on: a sentence of one article."""

    article: str
    sentence: SentenceRef


@dataclass
class ArticleField(Record):
    """A pointer to what a finding rests on when it is not in the text: a field of one article as read."""

    article: str
    field: Literal["published", "outlet", "dateline", "byline", "credits"]
    value: str


@dataclass
class ReasonGround(Record):
    """What one reason for a reuse direction rests on. A reason with neither sentences nor fields rests on the
    alignment as a whole (``Reuse.evidence``)."""

    reason: str  # the same words as the matching entry of Reuse.reasons
    sentences: list[ArticleSentence] = field(default_factory=list)
    fields: list[ArticleField] = field(default_factory=list)


@dataclass
class TiePassage(Record):
    """Two sentences, one in each article of a tie, that say the same thing (close sentence embeddings)."""

    first_sentence: int  # a sentence of the tie's first article
    second_sentence: int  # a sentence of its second article
    similarity: float


@dataclass
class StoryTie(Record):
    """Why two articles were put in one story: the stories stage's pair score and what the two share. A story's ties
    link each article to the one it scores highest with (a maximum spanning tree of the pair scores), so every
    article is tied in; the grouping itself joins on the average score (StoryOptions.threshold)."""

    articles: list[str]  # two article ids, in id order
    score: float  # the pair model's score, 0..1
    words: float  # content-word similarity (TF-IDF cosine), 0..1
    lead: float  # cosine of the two leads' embeddings
    names: list[str] = field(default_factory=list)  # names both mention, the most telling first (as the first writes)
    figures: list[str] = field(default_factory=list)  # numbers both state (as the first writes them)
    dates: list[str] = field(default_factory=list)  # dates both state ("2024", "March 4", "2024-03-04")
    passages: list[TiePassage] = field(default_factory=list)
    days_apart: float | None = None  # between the two publication dates, when both are known


@dataclass
class StoryGroup(Record):
    """The stories stage's output: which articles tell one story, and what tied them."""

    id: str
    headline: str
    articles: list[str]
    ties: list[StoryTie] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------------------------
# Cross-check (dossier story sections)


@dataclass
class ClaimMention(Record):
    article: str
    sentence: SentenceRef
    text: str
    claim: str | None = None  # the ArticleClaim id
    numbers: list[NumberMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    negated: bool = False
    modality: str = "asserted"


@dataclass
class StoryClaim(Record):
    id: str
    text: str
    mentions: list[ClaimMention] = field(default_factory=list)
    independent_sources: int = 0
    status: Literal["corroborated", "single_source", "unsupported_addition"] = "single_source"
    conflicts: list[str] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)  # indices into Story.groups that state it
    reason: str | None = None  # the rule that decided the status, in plain words


@dataclass
class DiffOp(Record):
    op: Literal["=", "-", "+"]  # same, only in the other version, only in this quote
    text: str


@dataclass
class QuoteMatch(Record):
    article: str
    text: str
    similarity: float
    sentence: SentenceRef | None = None
    diff: list[DiffOp] = field(default_factory=list)


@dataclass
class StoryQuote(Record):
    id: str
    text: str
    speaker: str | None
    cue: str | None
    article: str
    sentence: SentenceRef
    fidelity: Literal["verbatim", "close", "altered", "unattested", "single_source"]
    matches: list[QuoteMatch] = field(default_factory=list)
    reason: str | None = None  # the rule that decided the fidelity, in plain words


@dataclass
class ConflictSide(Record):
    article: str
    sentence: SentenceRef
    text: str


@dataclass
class Conflict(Record):
    id: str
    kind: Literal["number", "date", "order", "entity", "negation", "tense", "quote", "other"]
    severity: Literal["high", "low"]
    claims: list[str]
    articles: list[str]
    explanation: str
    sides: list[ConflictSide] = field(default_factory=list)


@dataclass
class OffTopic(Record):
    article: str
    sentence: SentenceRef
    text: str
    score: float


@dataclass
class TimelineEntry(Record):
    date: str
    precision: Literal["day", "week", "month", "year"]
    text: str
    claims: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)


@dataclass
class SummaryLine(Record):
    text: str
    section: Literal["corroborated", "contested"]
    claims: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)


@dataclass
class StoryFindings(Record):
    """The cross-check stage's output for one story."""

    claims: list[StoryClaim] = field(default_factory=list)
    quotes: list[StoryQuote] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    off_topic: list[OffTopic] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    summary: list[SummaryLine] = field(default_factory=list)


@dataclass
class VerdictCounts(Record):
    added: int = 0  # unsupported additions in the article
    altered_quotes: int = 0
    unattested_quotes: int = 0
    conflicts: int = 0


@dataclass
class Verdict(Record):
    """What a standards editor writes down about one article of a story."""

    article: str
    verdict: Literal["original", "copy", "rewrite", "derivative", "aggregation", "commentary"]
    source: str | None = None  # the source article id, or the common source's name when it is outside the pile
    timing: Literal["preview", "report", "follow-up"] = "report"
    padding: float = 0.0  # share of the article's text with no checkable content, 0..1
    summary: str = ""  # one plain sentence
    counts: VerdictCounts = field(default_factory=VerdictCounts)
    credited: bool | None = None  # does it cite its source (None: no source, or the source has no known name)


@dataclass
class Story(Record):
    id: str
    headline: str
    articles: list[str]
    reuse: list[Reuse] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)
    claims: list[StoryClaim] = field(default_factory=list)
    quotes: list[StoryQuote] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    off_topic: list[OffTopic] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    summary: list[SummaryLine] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    ties: list[StoryTie] = field(default_factory=list)  # why its articles are one story (the stories stage's)
    # an editor's decisions that bear on this story (storytrace review): on its findings, its grouping, its outlets
    # and articles. Kept by the store, beside the analysis; a dossier made outside a store has none
    decisions: list[Decision] = field(default_factory=list)


DecisionKind = Literal["confirm", "dismiss", "merge", "split", "declare_wire", "same_owner", "press_release"]


@dataclass
class Decision(Record):
    """What an editor decided (``storytrace review``, the web app's review forms). ``key`` is derived from the texts
    the decision is about (:mod:`storytrace.findings`), never from ids that change when the pile is analysed again,
    so a decision holds through new articles and re-analysis; one decision per key, the latest."""

    key: str
    kind: DecisionKind
    note: str | None = None
    who: str | None = None
    when: str = ""  # ISO 8601 UTC
    finding: str | None = None  # what it was about when decided, in one line (a finding in the dossier's words)
    # merge: the articles kept together; split: those split out; press_release: the press release
    articles: list[str] = field(default_factory=list)
    apart_from: list[str] = field(default_factory=list)  # split: the articles they are split from
    outlets: list[str] = field(default_factory=list)  # declare_wire: the wire; same_owner: the outlets of one company


@dataclass
class Generator(Record):
    name: str
    version: str


@dataclass
class Dossier(Record):
    schema: str
    generator: Generator
    settings: dict[str, Any]
    articles: list[Article]
    stories: list[Story]
    skipped: list[Skipped] = field(default_factory=list)
