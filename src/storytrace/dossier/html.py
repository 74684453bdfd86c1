"""The dossier as one self-contained HTML page (inline CSS and SVG, no script, no external asset).

``story_view()`` turns a story into plain view records (labels, anchors, citations, highlights); Jinja2 templates
under ``templates/`` draw them with autoescape on. The web app reuses the same templates through
``render_story_html()`` (one story's views as a fragment) and ``report_css()``.

Anchors: a story is ``#s-<story>``, an article ``#a-<article>``, one of its sentences ``#a-<article>-s<n>`` (n is
the index into ``Article.sentences``), so citations everywhere link to the sentence they rest on.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

import jinja2
from markupsafe import Markup

from storytrace.dossier.svg import credit_label, draw_map, edge_label, group_colour
from storytrace.dossier.triage import StoryCounts, story_counts
from storytrace.findings import story_findings
from storytrace.records import (
    Article,
    Conflict,
    DiffOp,
    Dossier,
    QuoteMatch,
    Reuse,
    SentenceRef,
    Story,
    StoryClaim,
    StoryQuote,
    StoryTie,
    Verdict,
)

STATUS_LABELS = {
    "corroborated": "corroborated",
    "single_source": "single source",
    "unsupported_addition": "added by rewrite",
}
STATUS_HELP = {
    "corroborated": "stated by two or more independent source groups",
    "single_source": "stated by one source group only",
    "unsupported_addition": "only in a derived article, and not supported by the article it takes from",
}
FIDELITY_LABELS = {
    "verbatim": "verbatim",
    "close": "close",
    "altered": "altered",
    "unattested": "unattested",
    "single_source": "single source",
}
FIDELITY_HELP = {
    "verbatim": "another independent source carries the same words",
    "close": "differs only in punctuation, case, elision or a word that keeps the meaning",
    "altered": "worded materially differently from another version",
    "unattested": "no other version of this quote was found",
    "single_source": "only one source group carries it",
}
MARK_LABELS = {
    "copied": "copied",
    "paraphrased": "paraphrased",
    "added": "added",
    "off-topic": "off-topic",
}
# what an editor calls each verdict (records.Verdict.verdict), and what it means (after the schema's descriptions)
VERDICT_LABELS = {
    "original": "original reporting",
    "copy": "copy",
    "rewrite": "rewrite",
    "derivative": "derivative",
    "aggregation": "aggregation",
    "commentary": "commentary",
}
VERDICT_HELP = {
    "original": "its narrative is its own",
    "copy": "a close version of one source",
    "rewrite": "one source's report in other words",
    "derivative": "takes a substantial part of one source and adds its own",
    "aggregation": "stitches passages of several sources",
    "commentary": "mostly opinion on the story",
}
TIMING_HELP = {
    "preview": "written before the story's main event",
    "report": "written after the story's main event",
    "follow-up": "reactions days later",
}
SOURCE_KIND_LABELS = {
    "wire": "wire",
    "outlet": "outlet",
    "media": "media",
    "agency": "official body",
    "person": "person",
    "document": "document",
}
REUSE_NOUNS = {"copy": "copy", "rewrite": "rewrite", "partial": "partial copy"}
COUNT_NOUNS = [  # the findings against an article (VerdictCounts), singular and plural
    ("added", "added claim", "added claims"),
    ("altered_quotes", "altered quote", "altered quotes"),
    ("unattested_quotes", "unattested quote", "unattested quotes"),
    ("conflicts", "conflict", "conflicts"),
]


# --------------------------------------------------------------------------------------------------------------------
# anchors and labels


def anchor_slug(value: str) -> str:
    """An id fragment made only of [A-Za-z0-9_-], so it is safe in ids, hrefs and CSS."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", value) or "x"


def article_anchor(article_id: str) -> str:
    return f"a-{anchor_slug(article_id)}"


def sentence_anchor(article_id: str, index: int) -> str:
    return f"a-{anchor_slug(article_id)}-s{index}"


def story_anchor(story_id: str) -> str:
    return f"s-{anchor_slug(story_id)}"


def first_index(ref: SentenceRef | None) -> int | None:
    if isinstance(ref, list):
        return ref[0] if ref else None
    return ref


def all_indices(ref: SentenceRef | None) -> list[int]:
    if ref is None:
        return []
    return list(ref) if isinstance(ref, list) else [ref]


def article_labels(articles: Sequence[Article]) -> dict[str, str]:
    """A short display name per article: its outlet, else its file name; repeats get (1), (2) by date."""
    ordered = sorted(articles, key=lambda a: ((a.published or "9999"), a.id))
    base: dict[str, str] = {}
    for a in ordered:
        name = a.outlet or os.path.basename(a.origin.rstrip("/")) or a.title or a.id[:10]
        base[a.id] = " ".join(name.split())
    seen: dict[str, int] = {}
    totals: dict[str, int] = {}
    for name in base.values():
        totals[name] = totals.get(name, 0) + 1
    labels: dict[str, str] = {}
    for a in ordered:
        name = base[a.id]
        if totals[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            name = f"{name} ({seen[name]})"
        labels[a.id] = name
    return labels


def date_of(value: str | None) -> str | None:
    return value[:10] if value else None


def uncredited_phrase(kind: str, source: str) -> str:
    """Uncredited copying said plainly: "uncredited copy of Coastal Wire"."""
    return f"uncredited {REUSE_NOUNS.get(kind, VERDICT_LABELS.get(kind, kind))} of {source}"


def credit_sentence(r: Reuse, source: str, derived: str) -> str | None:
    """One plain sentence on a decided link's credit (None when unknown), such as "Harbour Daily is an uncredited
    copy of Coastal Wire." or "Harbour Daily names Coastal Wire as its source."."""
    credit = credit_label(r)
    if credit is None:
        return None
    if credit == "credited":
        return f"{derived} names {source} as its source."
    return f"{derived} is an {uncredited_phrase(r.kind, source)}."


def date_label(date: str, precision: str) -> str:
    if precision == "week":
        return f"week of {date}"
    if precision == "month":
        return date[:7]
    if precision == "year":
        return date[:4]
    return date


# --------------------------------------------------------------------------------------------------------------------
# view records


@dataclass
class Cite:
    label: str
    href: str
    title: str = ""


@dataclass
class Mark:
    kind: str  # copied | paraphrased | added | off-topic
    note: str
    href: str | None = None  # the source sentence, for copied and paraphrased

    @property
    def label(self) -> str:
        return MARK_LABELS[self.kind]


@dataclass
class SentenceView:
    index: int
    anchor: str
    text: str
    marks: list[Mark] = field(default_factory=list)

    @property
    def classes(self) -> str:
        return " ".join(["s", *(f"m-{m.kind}" for m in self.marks)])


@dataclass
class ParagraphView:
    parts: list[str | SentenceView]  # text between sentences, and sentences


@dataclass
class GroundView:
    """What one reuse reason rests on (records.ReasonGround): a sentence, quoted and linked, or a field of an
    article and its value, linked to the article."""

    cite: Cite
    text: str  # the sentence (clipped), or the field's value
    field: str | None = None  # "credits", "published", ...; None for a sentence


@dataclass
class ReasonView:
    text: str  # the reason, as Reuse.reasons words it
    grounds: list[GroundView] = field(default_factory=list)  # none: it rests on the alignment as a whole


@dataclass
class ReuseLine:
    other: Cite
    kind: str
    share: int
    decided: bool
    reasons: list[str]
    credit: str | None = None  # "credited" | "uncredited" | None (unknown, or direction undecided)
    why: list[ReasonView] = field(default_factory=list)  # the reasons with what each rests on

    @property
    def noun(self) -> str:
        return REUSE_NOUNS.get(self.kind, self.kind)


@dataclass
class VerdictView:
    """The verdict line of one article: its summary sentence, then verdict, source, credit, timing, padding."""

    verdict: Verdict
    summary: str
    label: str  # "copy", "original reporting"; "uncredited copy" when it does not name its source
    help: str
    source: Cite | None  # the source article, when it is in the pile
    source_name: str | None  # a common source outside the pile ("Associated Press"), as the verdict names it
    credit: str | None  # "credited" | "uncredited" | None
    timing_help: str
    padding: int  # per cent
    counts: list[str]  # "1 added claim", only the non-zero ones


@dataclass
class CitedMention:
    text: str  # the words that cite the source, as written
    href: str  # the sentence they are in


@dataclass
class SourceCitedView:
    name: str
    kind: str
    kind_label: str
    mentions: list[CitedMention]


@dataclass
class ArticleView:
    id: str
    anchor: str
    label: str
    article: Article
    group: int | None
    colour: str
    paragraphs: list[ParagraphView]
    takes_from: list[ReuseLine]
    taken_by: list[ReuseLine]
    counts: dict[str, int]
    shown_above: bool = False  # already drawn under an earlier story of the same page
    verdict: VerdictView | None = None  # this story's verdict on the article
    sources_cited: list[SourceCitedView] = field(default_factory=list)

    @property
    def published(self) -> str | None:
        return date_of(self.article.published)


@dataclass
class GroupView:
    index: int
    label: str
    colour: str
    fill: str
    members: list[Cite]
    originals: list[Cite]


@dataclass
class ReviewMark:
    """An editor's decision on one finding, shown beside it (storytrace review)."""

    state: str  # "confirmed" | "dismissed"
    note: str | None
    title: str  # "dismissed by Ed Itor on 2025-03-14"


@dataclass
class DecisionView:
    """One of the editor's decisions in the story's review panel."""

    state: str  # css: confirmed | dismissed | merged | split | declared
    label: str  # "dismissed", "stories merged", "wire declared"
    what: str  # what it is about, in one line
    note: str | None
    when: str  # the date
    who: str | None
    href: str | None = None  # the finding it is about, when the report shows it


@dataclass
class MatrixRow:
    claim: StoryClaim
    status_label: str
    status_help: str
    cells: list[str]  # per group: "yes" | "no" | "both" | ""
    mentions: list[Cite]
    conflicts: list[tuple[str, int]]  # (anchor, number) of the conflicts it is part of
    review: ReviewMark | None = None  # an unsupported addition confirmed or dismissed by an editor
    anchor: str = ""  # the claim's permalink on the page: #s-<story>-c-<claim>
    # another statement of a sentence a row above already shows (the cross-check aligns each clause of a sentence
    # that joins two statements on its own, and both claims carry the whole sentence): its text is not repeated
    same_sentence: bool = False
    page: str | None = None  # the claim's own page, where there is one (the web app's /claims/<story>/<claim>)
    also: list[str] = field(default_factory=list)  # anchors of the other claims a one-source line stands for


@dataclass
class SideView:
    cite: Cite
    text: str
    group: int | None


@dataclass
class ConflictView:
    conflict: Conflict
    anchor: str
    number: int
    sides: list[SideView]
    review: ReviewMark | None = None


@dataclass
class QuoteView:
    quote: StoryQuote
    anchor: str
    cite: Cite
    label: str
    help: str
    closest: QuoteMatch | None
    closest_cite: Cite | None
    diff: list[DiffOp]
    others: list[tuple[Cite, QuoteMatch]]
    review: ReviewMark | None = None  # an altered or unattested quote confirmed or dismissed


@dataclass
class SpeakerView:
    name: str
    quotes: list[QuoteView]


@dataclass
class TimelineView:
    date: str
    label: str
    text: str
    cites: list[Cite]


@dataclass
class OffTopicView:
    text: str
    cite: Cite
    score: float


@dataclass
class SummaryView:
    text: str
    section: str
    cites: list[Cite]


@dataclass
class ProvenanceLine:
    source: Cite
    derived: Cite
    text: str
    decided: bool
    reasons: list[str]
    common_source: str | None = None  # for an undecided link: the wire both credit
    credit: str | None = None  # "credited" | "uncredited" | None (unknown, or direction undecided)
    plain: str | None = None  # the credit in one sentence: "Harbour Daily is an uncredited copy of Coastal Wire."
    review: ReviewMark | None = None
    why: list[ReasonView] = field(default_factory=list)  # the reasons with what each rests on


@dataclass
class PassageView:
    """Two sentences of a tie that say the same thing, one in each article."""

    first: Cite
    first_text: str
    second: Cite
    second_text: str
    similarity: int  # per cent


@dataclass
class TieView:
    """Why two articles are in one story (records.StoryTie), for the story's "why" fold."""

    first: Cite
    second: Cite
    score: float  # 0..1, as `storytrace explain` prints it
    words: float
    lead: float
    days_apart: str | None  # "same day", "2 days apart"
    names: list[str]
    figures: list[str]
    dates: list[str]
    passages: list[PassageView]


@dataclass
class StoryView:
    id: str
    anchor: str
    headline: str
    n_articles: int
    n_groups: int
    date_span: str
    svg: Markup
    provenance: list[ProvenanceLine]
    originals: list[Cite]
    groups: list[GroupView]
    matrix: list[MatrixRow]
    status_counts: dict[str, int]
    conflicts: list[ConflictView]
    speakers: list[SpeakerView]
    quote_counts: dict[str, int]
    timeline: list[TimelineView]
    off_topic: list[OffTopicView]
    summary_corroborated: list[SummaryView]
    summary_contested: list[SummaryView]
    articles: list[ArticleView]
    decisions: list[DecisionView] = field(default_factory=list)  # the editor's, in the order made
    # claims stated by one source group and in no conflict: a compact list under the matrix (a one-source claim
    # is a sentence of its article; a matrix row of one tick per claim made the big reports mostly matrix)
    one_source: list[MatrixRow] = field(default_factory=list)
    dated: bool = True  # some article has a publication date (date_span then says which)
    counts: StoryCounts | None = None  # the triage counts (storytrace.dossier.triage)
    map_labels_left_out: int = 0  # arrows the map drew without a label (no room): the table then opens
    ties: list[TieView] = field(default_factory=list)  # why these articles are one story


# --------------------------------------------------------------------------------------------------------------------
# building the views


class _StoryContext:
    """Lookups one story's views need: articles, labels, groups, claims by any of their ids."""

    def __init__(
        self,
        story: Story,
        articles: dict[str, Article],
        labels: dict[str, str],
        page_of: Callable[[str], str] | None = None,
    ) -> None:
        self.story = story
        self.articles = articles
        self.labels = labels
        # the page that shows an article's anchors: the report shows them all on one page (""); the web app's
        # article page shows only its own
        self.page_of = page_of or (lambda _article: "")
        self.group_of: dict[str, int] = {}
        for i, g in enumerate(story.groups):
            for a in g:
                self.group_of.setdefault(a, i)
        self.claims: dict[str, StoryClaim] = {}
        for c in story.claims:
            self.claims[c.id] = c
        for c in story.claims:  # per-article claim ids resolve to their story claim
            for m in c.mentions:
                if m.claim:
                    self.claims.setdefault(m.claim, c)

    def label(self, article_id: str) -> str:
        return self.labels.get(article_id, article_id[:12])

    def cite(self, article_id: str, sentence: SentenceRef | None = None) -> Cite:
        index = first_index(sentence)
        art = self.articles.get(article_id)
        page = self.page_of(article_id)
        if index is not None and art is not None and 0 <= index < len(art.sentences):
            return Cite(self.label(article_id), f"{page}#{sentence_anchor(article_id, index)}", f"sentence {index + 1}")
        # another page shows the article from its top, which has no anchor of its own there
        return Cite(self.label(article_id), page or f"#{article_anchor(article_id)}", "the article")

    def cite_for_claims(self, article_id: str, claim_ids: Iterable[str]) -> Cite:
        """Cite the sentence of ``article_id`` that states one of the claims, else the article."""
        for cid in claim_ids:
            claim = self.claims.get(cid)
            if claim is None:
                continue
            for m in claim.mentions:
                if m.article == article_id:
                    return self.cite(article_id, m.sentence)
        return self.cite(article_id)

    def claim_groups(self, claim: StoryClaim) -> set[int]:
        if claim.groups:
            return {g for g in claim.groups if 0 <= g < len(self.story.groups)}
        return {self.group_of[m.article] for m in claim.mentions if m.article in self.group_of}


# A ground's sentence is quoted to say which one it is, and linked: the article below shows it whole. A sentence past
# this many words (a run-on the splitter did not cut) would crowd the reuse table's "why" cell.
GROUND_WORDS = 30


def _clipped(text: str, words: int = GROUND_WORDS) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _sentence_text(ctx: _StoryContext, article_id: str, ref: SentenceRef | None) -> str:
    art = ctx.articles.get(article_id)
    if art is None:
        return ""
    return " ".join(art.sentence_text(i) for i in all_indices(ref) if 0 <= i < len(art.sentences))


def _reason_views(ctx: _StoryContext, r: Reuse) -> list[ReasonView]:
    """Each reason of a reuse link with the sentences or fields it rests on (``Reuse.grounds``, one per reason, in
    the same order; a dossier made before grounds existed has none)."""
    views = []
    for n, reason in enumerate(r.reasons):
        ground = r.grounds[n] if n < len(r.grounds) else None
        grounds: list[GroundView] = []
        if ground is not None:
            for s in ground.sentences:
                grounds.append(
                    GroundView(ctx.cite(s.article, s.sentence), _clipped(_sentence_text(ctx, s.article, s.sentence)))
                )
            for f in ground.fields:
                grounds.append(GroundView(ctx.cite(f.article), f.value, f.field))
        views.append(ReasonView(reason, grounds))
    return views


def _apart(days: float | None) -> str | None:
    if days is None:
        return None
    n = round(days)
    return "same day" if n == 0 else f"{n} day{'s' * (n != 1)} apart"


def _tie_views(ctx: _StoryContext, ties: Iterable[StoryTie]) -> list[TieView]:
    views = []
    for t in ties:
        if len(t.articles) != 2:
            continue
        a, b = t.articles
        passages = [
            PassageView(
                ctx.cite(a, p.first_sentence),
                _clipped(_sentence_text(ctx, a, p.first_sentence)),
                ctx.cite(b, p.second_sentence),
                _clipped(_sentence_text(ctx, b, p.second_sentence)),
                round(p.similarity * 100),
            )
            for p in t.passages
        ]
        views.append(
            TieView(
                first=ctx.cite(a),
                second=ctx.cite(b),
                score=t.score,
                words=t.words,
                lead=t.lead,
                days_apart=_apart(t.days_apart),
                names=list(t.names),
                figures=list(t.figures),
                dates=list(t.dates),
                passages=passages,
            )
        )
    return views


def _paragraph_spans(art: Article) -> list[tuple[int, int]]:
    n = len(art.text)
    if art.paragraphs:
        return [(max(0, s), min(n, e)) for s, e in art.paragraphs if s < e]
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", art.text) if m.group().strip()]


def _paragraphs(art: Article, marks: dict[int, list[Mark]]) -> list[ParagraphView]:
    text = art.text
    n = len(text)
    sentences = [(i, max(0, s), min(n, e)) for i, (s, e) in enumerate(art.sentences) if 0 <= s < e]
    out: list[ParagraphView] = []
    si = 0
    for ps, pe in _paragraph_spans(art):
        parts: list[str | SentenceView] = []
        pos = ps
        while si < len(sentences) and sentences[si][1] < pe:
            i, s, e = sentences[si]
            si += 1
            if s < pos:  # overlapping spans from a sloppy splitter: keep the text, drop the overlap
                s = pos
            if s >= e:
                continue
            if s > pos:
                parts.append(text[pos:s])
            parts.append(SentenceView(i, sentence_anchor(art.id, i), text[s:e], marks.get(i, [])))
            pos = e
        if pos < pe:
            parts.append(text[pos:pe])
        out.append(ParagraphView(parts))
    # sentences beyond the last paragraph (inconsistent offsets) still get their anchors
    rest = [
        SentenceView(i, sentence_anchor(art.id, i), text[s:e], marks.get(i, [])) for i, s, e in sentences[si:] if s < e
    ]
    if rest:
        parts = []
        for sv in rest:
            parts += [sv, " "]
        out.append(ParagraphView(parts[:-1]))
    return out


def _article_marks(ctx: _StoryContext, article_id: str) -> dict[int, list[Mark]]:
    story = ctx.story
    marks: dict[int, list[Mark]] = {}

    def add(index: int, mark: Mark) -> None:
        existing = marks.setdefault(index, [])
        if not any(m.kind == mark.kind for m in existing):
            existing.append(mark)

    for r in story.reuse:
        if r.derived != article_id or r.direction != "decided":
            continue
        for ev in r.evidence:
            kind = "copied" if ev.match == "verbatim" else "paraphrased"
            src = ctx.cite(r.source, ev.from_sentence)
            verb = "copied verbatim from" if kind == "copied" else "paraphrased from"
            for i in all_indices(ev.to_sentence):
                add(i, Mark(kind, f"{verb} {src.label} ({src.title})", src.href))
    for c in story.claims:
        if c.status != "unsupported_addition":
            continue
        for m in c.mentions:
            if m.article == article_id:
                for i in all_indices(m.sentence):
                    add(i, Mark("added", "added by this article: not supported by the article it takes from"))
    for o in story.off_topic:
        if o.article == article_id:
            for i in all_indices(o.sentence):
                add(i, Mark("off-topic", f"not about the story (distance {o.score:.2f})"))
    order = list(MARK_LABELS)
    for ms in marks.values():
        ms.sort(key=lambda m: order.index(m.kind))
    return marks


def _verdict_view(ctx: _StoryContext, article_id: str) -> VerdictView | None:
    v = next((v for v in ctx.story.verdicts if v.article == article_id), None)
    if v is None:
        return None
    source = ctx.cite(v.source) if v.source and v.source in ctx.articles else None
    source_name = v.source if v.source and source is None else None
    credit = None if v.credited is None else "credited" if v.credited else "uncredited"
    label = VERDICT_LABELS.get(v.verdict, v.verdict)
    if credit == "uncredited" and (source or source_name):
        label = f"uncredited {label}"
    counts = []
    for key, one, many in COUNT_NOUNS:
        n = getattr(v.counts, key)
        if n:
            counts.append(f"{n} {one if n == 1 else many}")
    return VerdictView(
        verdict=v,
        summary=v.summary,
        label=label,
        help=VERDICT_HELP.get(v.verdict, ""),
        source=source,
        source_name=source_name,
        credit=credit,
        timing_help=TIMING_HELP.get(v.timing, ""),
        padding=round(min(max(v.padding, 0.0), 1.0) * 100),
        counts=counts,
    )


def _sources_cited(ctx: _StoryContext, art: Article) -> list[SourceCitedView]:
    """The sources the article cites, one entry per source, each with the words that cite it."""
    by_name: dict[tuple[str, str], SourceCitedView] = {}
    for sc in art.sources_cited:
        key = (sc.name, sc.kind)
        view = by_name.get(key)
        if view is None:
            view = by_name[key] = SourceCitedView(sc.name, sc.kind, SOURCE_KIND_LABELS.get(sc.kind, sc.kind), [])
        href = ctx.cite(art.id, sc.sentence).href
        if not any(m.text == sc.text and m.href == href for m in view.mentions):
            view.mentions.append(CitedMention(sc.text, href))
    return list(by_name.values())


def _article_view(ctx: _StoryContext, article_id: str, shown_above: bool) -> ArticleView | None:
    art = ctx.articles.get(article_id)
    if art is None:
        return None
    marks = _article_marks(ctx, article_id)
    counts = {k: 0 for k in MARK_LABELS}
    for ms in marks.values():
        for m in ms:
            counts[m.kind] += 1

    def line(other: str, r: Reuse) -> ReuseLine:
        return ReuseLine(
            ctx.cite(other),
            r.kind,
            round(r.score * 100),
            r.direction == "decided",
            list(r.reasons),
            credit_label(r),
            _reason_views(ctx, r),
        )

    takes_from = [line(r.source, r) for r in ctx.story.reuse if r.derived == article_id]
    taken_by = [line(r.derived, r) for r in ctx.story.reuse if r.source == article_id]
    group = ctx.group_of.get(article_id)
    return ArticleView(
        id=article_id,
        anchor=article_anchor(article_id),
        label=ctx.label(article_id),
        article=art,
        group=group,
        colour=group_colour(group)[0] if group is not None else "#555555",
        paragraphs=[] if shown_above else _paragraphs(art, marks),
        takes_from=takes_from,
        taken_by=taken_by,
        counts=counts,
        shown_above=shown_above,
        verdict=_verdict_view(ctx, article_id),
        sources_cited=_sources_cited(ctx, art),
    )


def _matrix(ctx: _StoryContext, conflict_anchor: dict[str, tuple[str, int]]) -> list[MatrixRow]:
    story = ctx.story
    n_groups = len(story.groups)
    involved: dict[str, list[Conflict]] = {}
    for x in story.conflicts:
        for cid in x.claims:
            claim = ctx.claims.get(cid)
            if claim is not None and x not in involved.setdefault(claim.id, []):
                involved[claim.id].append(x)
    by_id = {x.id: x for x in story.conflicts}
    for c in story.claims:
        for xid in c.conflicts:
            found = by_id.get(xid)
            if found is not None and found not in involved.setdefault(c.id, []):
                involved[c.id].append(found)

    rows = []
    status_rank = {"corroborated": 0, "single_source": 1, "unsupported_addition": 2}
    for c in sorted(story.claims, key=lambda c: (-c.independent_sources, status_rank.get(c.status, 3), c.id)):
        states = ctx.claim_groups(c)
        contra: set[int] = set()
        own = {(m.article, first_index(m.sentence)) for m in c.mentions}
        for x in involved.get(c.id, []):
            others = {ctx.claims[cid].id for cid in x.claims if cid in ctx.claims} - {c.id}
            if others:
                for oid in others:
                    contra |= ctx.claim_groups(ctx.claims[oid])
            else:
                for side in x.sides:
                    if (side.article, first_index(side.sentence)) not in own and side.article in ctx.group_of:
                        contra.add(ctx.group_of[side.article])
        cells = []
        for g in range(n_groups):
            cells.append(
                "both" if g in states and g in contra else "yes" if g in states else "no" if g in contra else ""
            )
        seen: set[str] = set()
        mentions = []
        for m in c.mentions:
            if m.article not in seen:
                seen.add(m.article)
                mentions.append(ctx.cite(m.article, m.sentence))
        rows.append(
            MatrixRow(
                claim=c,
                status_label=STATUS_LABELS.get(c.status, c.status),
                status_help=STATUS_HELP.get(c.status, ""),
                cells=cells,
                mentions=mentions,
                conflicts=[conflict_anchor[x.id] for x in involved.get(c.id, []) if x.id in conflict_anchor],
            )
        )
    return rows


def _quotes(ctx: _StoryContext, prefix: str) -> list[SpeakerView]:
    speakers: dict[str, list[QuoteView]] = {}
    for q in ctx.story.quotes:
        closest = max(q.matches, key=lambda m: m.similarity) if q.matches else None
        others = [(ctx.cite(m.article, m.sentence), m) for m in q.matches if m is not closest]
        view = QuoteView(
            quote=q,
            anchor=f"{prefix}-q-{anchor_slug(q.id)}",
            cite=ctx.cite(q.article, q.sentence),
            label=FIDELITY_LABELS.get(q.fidelity, q.fidelity),
            help=FIDELITY_HELP.get(q.fidelity, ""),
            closest=closest,
            closest_cite=ctx.cite(closest.article, closest.sentence) if closest else None,
            diff=closest.diff if closest and any(op.op != "=" for op in closest.diff) else [],
            others=others,
        )
        speakers.setdefault(q.speaker or "Speaker not identified", []).append(view)
    fid_rank = {"altered": 0, "unattested": 1, "close": 2, "single_source": 3, "verbatim": 4}
    out = []
    for name in sorted(speakers, key=lambda n: (n == "Speaker not identified", -len(speakers[n]), n)):
        quotes = sorted(speakers[name], key=lambda v: (fid_rank.get(v.quote.fidelity, 5), v.quote.id))
        out.append(SpeakerView(name, quotes))
    return out


DECISION_LABELS = {  # records.Decision.kind in the editor's words, and the css state it is drawn with
    "confirm": ("confirmed", "confirmed"),
    "dismiss": ("dismissed", "dismissed"),
    "merge": ("stories merged", "merged"),
    "split": ("story split", "split"),
    "declare_wire": ("wire declared", "declared"),
    "same_owner": ("one company declared", "declared"),
    "press_release": ("press release declared", "declared"),
}


def _review(story: Story, anchor: str) -> tuple[dict[tuple[str, str], ReviewMark], list[DecisionView]]:
    """The editor's decisions on the story: a mark per finding confirmed or dismissed, by (finding kind, its id in
    this analysis), and the panel's lines (``href`` holds "kind ref" until :func:`_finding_href` resolves it)."""
    refs = {f.key: (f.kind, f.ref) for f in story_findings(story)}
    marks: dict[tuple[str, str], ReviewMark] = {}
    views: list[DecisionView] = []
    for d in story.decisions:
        label, state = DECISION_LABELS.get(d.kind, (d.kind, "declared"))
        when = d.when[:10]
        ref = refs.get(d.key)
        if ref is not None and d.kind in ("confirm", "dismiss"):
            by = f" by {d.who}" if d.who else ""
            marks[ref] = ReviewMark(state, d.note, f"{label} by the editor{by} on {when}")
        views.append(
            DecisionView(state, label, d.finding or d.key, d.note, when, d.who, " ".join(ref) if ref else None)
        )
    return marks, views


def finding_anchor(story_id: str, kind: str, ref: str) -> str:
    """Where the report shows a finding (:class:`storytrace.findings.Finding` kind and ref): its conflict or quote,
    else the claim matrix (additions) or the provenance map (reuse links)."""
    anchor = story_anchor(story_id)
    if kind == "conflict":
        return f"{anchor}-x-{anchor_slug(ref)}"
    if kind == "quote":
        return f"{anchor}-q-{anchor_slug(ref)}"
    return f"{anchor}-{'claims' if kind == 'addition' else 'map'}"


def _finding_href(ref: str | None, story_id: str) -> str | None:
    kind, _, fid = (ref or "").partition(" ")
    return "#" + finding_anchor(story_id, kind, fid) if ref else None


def claim_anchor(story_id: str, claim_id: str) -> str:
    """A claim's permalink anchor on a page that shows its story: ``s-<story>-c-<claim>``."""
    return f"{story_anchor(story_id)}-c-{anchor_slug(claim_id)}"


def _split_matrix(rows: list[MatrixRow]) -> tuple[list[MatrixRow], list[MatrixRow]]:
    """The matrix rows (claims of two or more groups, contested claims, additions), each sentence's text once, and
    the one-source lines (one per sentence; ``also`` holds the anchors of that sentence's other claims)."""

    def text(row: MatrixRow) -> str:
        return " ".join(row.claim.text.split()).casefold()

    def in_matrix(row: MatrixRow) -> bool:
        return row.claim.status != "single_source" or row.claim.independent_sources > 1 or bool(row.conflicts)

    kept: dict[str, list[MatrixRow]] = {}  # sentence -> its matrix rows, the first one showing the text
    for row in rows:
        if in_matrix(row):
            kept.setdefault(text(row), []).append(row)
    matrix: list[MatrixRow] = []
    for group in kept.values():
        for n, row in enumerate(group):
            row.same_sentence = n > 0
        matrix += group
    lines: dict[str, MatrixRow] = {}
    for row in rows:
        if in_matrix(row):
            continue
        t = text(row)
        if t in kept:  # a clause of a sentence the matrix shows: a row there, under it
            row.same_sentence = True
            at = matrix.index(kept[t][-1]) + 1
            matrix.insert(at, row)
            kept[t].append(row)
        elif t in lines:
            lines[t].also.append(row.anchor)
        else:
            lines[t] = row
    return matrix, list(lines.values())


def story_view(
    dossier: Dossier,
    story: Story,
    shown: set[str] | None = None,
    claim_page: Callable[[str], str] | None = None,
) -> StoryView:
    """Everything one story's views show. ``shown`` collects the articles already drawn earlier on the page;
    ``claim_page(claim_id)`` is a claim's own page (the web app has one), linked from its row."""
    shown = shown if shown is not None else set()
    articles = {a.id: a for a in dossier.articles}
    labels = article_labels(dossier.articles)
    ctx = _StoryContext(story, articles, labels)
    anchor = story_anchor(story.id)
    members = [a for a in story.articles if a in articles] or list(story.articles)

    dates = sorted(d for d in (date_of(articles[a].published) for a in members if a in articles) if d)
    if not dates:
        span = "no publication dates"  # shown alone: "published no publication dates" read wrong
    elif dates[0] == dates[-1]:
        span = dates[0]
    else:
        span = f"{dates[0]} to {dates[-1]}"

    hrefs = {a: "#" + article_anchor(a) for a in members}
    drawing = draw_map(
        anchor + "-map", members, story.groups, story.reuse, articles, {a: ctx.label(a) for a in members}, hrefs
    )
    svg = Markup(drawing.svg)  # noqa: S704  # draw_map escapes every string it draws
    derived = {r.derived for r in story.reuse if r.direction == "decided"}
    originals = [ctx.cite(a) for a in members if a not in derived]
    marks, decisions = _review(story, anchor)
    provenance = [
        ProvenanceLine(
            source=ctx.cite(r.source),
            derived=ctx.cite(r.derived),
            text=edge_label(r),
            decided=r.direction == "decided",
            reasons=list(r.reasons),
            common_source=r.common_source,
            credit=credit_label(r),
            plain=credit_sentence(r, ctx.label(r.source), ctx.label(r.derived)),
            review=marks.get(("reuse", f"{r.source} -> {r.derived}")),
            why=_reason_views(ctx, r),
        )
        for r in sorted(story.reuse, key=lambda r: (-r.score, r.source, r.derived))
    ]
    groups = []
    for i, g in enumerate(story.groups):
        border, fill = group_colour(i)
        groups.append(
            GroupView(
                index=i,
                label=f"G{i + 1}",
                colour=border,
                fill=fill,
                members=[ctx.cite(a) for a in g],
                originals=[ctx.cite(a) for a in g if a not in derived],
            )
        )

    ordered = sorted(story.conflicts, key=lambda x: (x.severity != "high", x.id))
    conflict_anchor = {x.id: (f"{anchor}-x-{anchor_slug(x.id)}", n) for n, x in enumerate(ordered, 1)}
    conflicts = [
        ConflictView(
            conflict=x,
            anchor=conflict_anchor[x.id][0],
            number=conflict_anchor[x.id][1],
            sides=[SideView(ctx.cite(s.article, s.sentence), s.text, ctx.group_of.get(s.article)) for s in x.sides],
            review=marks.get(("conflict", x.id)),
        )
        for x in ordered
    ]
    matrix = _matrix(ctx, conflict_anchor)
    for row in matrix:
        row.review = marks.get(("addition", row.claim.id))
        row.anchor = claim_anchor(story.id, row.claim.id)
        row.page = claim_page(row.claim.id) if claim_page else None
    matrix, one_source = _split_matrix(matrix)
    status_counts = {k: sum(1 for c in story.claims if c.status == k) for k in STATUS_LABELS}
    speakers = _quotes(ctx, anchor)
    for sp in speakers:
        for qv in sp.quotes:
            qv.review = marks.get(("quote", qv.quote.id))
    quote_counts = {k: sum(1 for q in story.quotes if q.fidelity == k) for k in FIDELITY_LABELS}

    timeline = [
        TimelineView(
            date=t.date,
            label=date_label(t.date, t.precision),
            text=t.text,
            cites=[ctx.cite_for_claims(a, t.claims) for a in dict.fromkeys(t.articles)],
        )
        for t in sorted(story.timeline, key=lambda t: t.date)
    ]
    off_topic = [
        OffTopicView(o.text, ctx.cite(o.article, o.sentence), o.score)
        for o in sorted(story.off_topic, key=lambda o: (-o.score, o.article))
    ]
    summary = [
        SummaryView(s.text, s.section, [ctx.cite_for_claims(a, s.claims) for a in dict.fromkeys(s.articles)])
        for s in story.summary
    ]

    article_views = []
    for a in members:
        view = _article_view(ctx, a, shown_above=a in shown)
        if view is not None:
            article_views.append(view)
        shown.add(a)

    return StoryView(
        id=story.id,
        anchor=anchor,
        headline=story.headline,
        n_articles=len(story.articles),
        n_groups=len(story.groups),
        date_span=span,
        svg=svg,
        provenance=provenance,
        originals=originals,
        groups=groups,
        matrix=matrix,
        status_counts=status_counts,
        conflicts=conflicts,
        speakers=speakers,
        quote_counts=quote_counts,
        timeline=timeline,
        off_topic=off_topic,
        summary_corroborated=[s for s in summary if s.section == "corroborated"],
        summary_contested=[s for s in summary if s.section != "corroborated"],
        articles=article_views,
        decisions=[dataclasses.replace(d, href=_finding_href(d.href, story.id)) for d in decisions],
        one_source=one_source,
        dated=bool(dates),
        counts=story_counts(story, articles),
        map_labels_left_out=drawing.labels_left_out,
        ties=_tie_views(ctx, story.ties),
    )


# --------------------------------------------------------------------------------------------------------------------
# rendering


# A report of more stories than this folds each one and draws one-article stories as their article alone: a pile of
# 181 unrelated saved pages (126 stories, 101 of one article) ran to 8.2 MB and 1.1 million pixels unfolded, while
# a handful of stories reads best open, as a report of one story always is.
FOLD_STORIES = 5


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        autoescape=True,
        loader=jinja2.PackageLoader("storytrace.dossier", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        STATUS_HELP=STATUS_HELP,
        FIDELITY_LABELS=FIDELITY_LABELS,
        FIDELITY_HELP=FIDELITY_HELP,
        MARK_LABELS=MARK_LABELS,
        VERDICT_LABELS=VERDICT_LABELS,
    )
    return env


@functools.lru_cache(maxsize=1)
def report_css() -> str:
    """The stylesheet of the report and of the web app's story pages."""
    return resources.files("storytrace.dossier").joinpath("templates/report.css").read_text(encoding="utf-8")


def _find_story(dossier: Dossier, story_id: str) -> Story:
    for story in dossier.stories:
        if story.id == story_id:
            return story
    raise KeyError(f"no story {story_id!r} in this dossier")


def render_html(dossier: Dossier, filtered: str | None = None, total: int | None = None) -> str:
    """The whole report: one self-contained page. ``filtered``: the filter that chose its stories, in words
    (``storytrace analyze --only-accused``), and ``total`` the stories before it, both said at the top.

    A page of more than one story opens on an index (the stories by size with their findings, and links to every
    finding kind's sections). Past ``FOLD_STORIES`` stories each story is folded in a ``<details>`` (a link to
    anything inside one opens it), and a one-article story with no accusation is drawn as its article alone, under
    "Single-article stories"."""
    shown: set[str] = set()
    views = [story_view(dossier, s, shown) for s in dossier.stories]
    in_stories = {a for s in dossier.stories for a in s.articles}
    loose = [a for a in dossier.articles if a.id not in in_stories]
    css = Markup(report_css())  # noqa: S704  # our own stylesheet, no content in it
    fold = len(views) > FOLD_STORIES
    singles = [v for v in views if fold and v.n_articles == 1 and v.counts is not None and not v.counts.accusations]
    full = [v for v in views if v not in singles]
    return (
        environment()
        .get_template("report.html")
        .render(
            dossier=dossier,
            stories=full,
            singles=singles,
            fold=fold,
            index=_index(full),
            filtered=filtered,
            total=total if total is not None else len(views),
            css=css,
            loose=loose,
        )
    )


@dataclass
class IndexLine:
    """One finding kind in the report's index: the stories that have some, each linking to its section."""

    label: str
    stories: list[tuple[StoryView, str, str]]  # (story, href of the section, "5, 4 high")


def _index(views: Sequence[StoryView]) -> list[IndexLine]:
    """Links from each finding kind to the stories that have one: the static report's filters."""
    kinds = [
        ("Decided reuse, not credited", "reuse", "map"),
        ("Added claims", "addition", "claims"),
        ("Conflicts", "conflict", "conflicts"),
        ("Altered quotes", "quote", "quotes"),
    ]
    lines = []
    for label, kind, section in kinds:
        found = []
        for v in views:
            n = v.counts.count(kind) if v.counts else 0
            if n:
                high = v.counts.high_conflicts if v.counts and kind == "conflict" else 0
                found.append((v, f"#{v.anchor}-{section}", f"{n}, {high} high" if high else str(n)))
        lines.append(IndexLine(label, found))
    return lines


def render_story_html(dossier: Dossier, story_id: str, claim_page: Callable[[str], str] | None = None) -> str:
    """One story's full views (header, map, matrix, quotes, timeline, off-topic, summary, articles) as a fragment
    for another page; it needs ``report_css()`` on that page. ``claim_page(claim_id)``: a claim's own page, linked
    from its row. Raises ``KeyError`` for an unknown story."""
    view = story_view(dossier, _find_story(dossier, story_id), claim_page=claim_page)
    return environment().get_template("story.html").render(story=view, heading_level=1)


def render_article_html(dossier: Dossier, article_id: str, story_id: str | None = None) -> str:
    """One article's view (metadata, removed boilerplate, highlighted text) as a fragment. The highlights come from
    ``story_id``'s findings, or from the first story holding the article."""
    story = None
    if story_id is not None:
        story = _find_story(dossier, story_id)
    else:
        story = next((s for s in dossier.stories if article_id in s.articles), None)
    story = story or Story(id="-", headline="", articles=[article_id])
    articles = {a.id: a for a in dossier.articles}
    if article_id not in articles:
        raise KeyError(f"no article {article_id!r} in this dossier")
    ctx = _StoryContext(story, articles, article_labels(dossier.articles))
    view = _article_view(ctx, article_id, shown_above=False)
    return environment().get_template("article.html").render(article=view, heading_level=1)


def render_verdict_html(
    dossier: Dossier,
    story_id: str,
    article_id: str,
    page_of: Callable[[str], str] | None = None,
    with_sources: bool = True,
) -> str:
    """One article's verdict line under ``story_id`` and (``with_sources``) the sources it cites, as a fragment
    (empty when there is neither). ``page_of(article_id)`` is the page that shows that article's sentence anchors
    ("" for this page). Raises ``KeyError`` for an unknown story or article."""
    story = _find_story(dossier, story_id)
    articles = {a.id: a for a in dossier.articles}
    if article_id not in articles:
        raise KeyError(f"no article {article_id!r} in this dossier")
    ctx = _StoryContext(story, articles, article_labels(dossier.articles), page_of)
    return (
        environment()
        .get_template("verdict.html")
        .render(
            verdict=_verdict_view(ctx, article_id),
            sources=_sources_cited(ctx, articles[article_id]) if with_sources else [],
        )
    )


__all__ = [
    "anchor_slug",
    "article_anchor",
    "claim_anchor",
    "credit_sentence",
    "finding_anchor",
    "render_article_html",
    "render_html",
    "render_story_html",
    "render_verdict_html",
    "report_css",
    "sentence_anchor",
    "story_view",
    "uncredited_phrase",
]
