"""What the story and article pages show, computed from records (no HTML here beyond the report's fragment)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from storytrace.dossier.html import (
    VERDICT_LABELS,
    article_anchor,
    render_story_html,
    render_verdict_html,
    sentence_anchor,
)
from storytrace.records import Article, ArticleFacts, Dossier, SentenceRef, Story
from storytrace.store.outlets import (
    VERDICT_KINDS,
    OutletArticle,
    OutletDetail,
    OutletsReport,
    OutletSummary,
    SourceTally,
    credit_share,
    outlet_key,
)


def _all_sentences(ref: SentenceRef | None) -> list[int]:
    if ref is None:
        return []
    return list(ref) if isinstance(ref, list) else [ref]


@dataclass
class Sentence:
    index: int
    anchor: str  # the report's anchor for this sentence, so /articles/<id>#<anchor> and the report agree
    text: str
    marks: list[str] = field(default_factory=list)  # css classes: copied, paraphrased, quote, off-topic, contested
    notes: list[str] = field(default_factory=list)  # why each mark, shown as the title


@dataclass
class ArticleView:
    paragraphs: list[list[Sentence]]
    n_claims: int
    n_quotes: int


def article_view(article: Article, facts: ArticleFacts, stories: Sequence[Story]) -> ArticleView:
    """The article's sentences, grouped in paragraphs, each marked with what the stories found about it."""
    sentences = [
        Sentence(i, sentence_anchor(article.id, i), article.text[s:e]) for i, (s, e) in enumerate(article.sentences)
    ]

    def mark(ref: SentenceRef | None, css: str, note: str) -> None:
        for i in _all_sentences(ref):
            if 0 <= i < len(sentences) and css not in sentences[i].marks:
                sentences[i].marks.append(css)
                sentences[i].notes.append(note)

    for q in facts.quotes:
        mark(q.sentence, "quote", f"quote{' of ' + q.speaker if q.speaker else ''}")
    for story in stories:
        for r in story.reuse:
            if r.derived != article.id:
                continue
            for ev in r.evidence:
                css = "copied" if ev.match == "verbatim" else "paraphrased"
                mark(ev.to_sentence, css, f"{css} from article {r.source}")
        for o in story.off_topic:
            if o.article == article.id:
                mark(o.sentence, "off-topic", "off-topic for this story")
        for c in story.conflicts:
            for side in c.sides:
                if side.article == article.id:
                    mark(side.sentence, "contested", f"{c.kind} conflict: {c.explanation}")
    paragraphs: list[list[Sentence]] = []
    bounds = article.paragraphs or [(0, len(article.text))]
    p = 0
    current: list[Sentence] = []
    for sent, (start, _end) in zip(sentences, article.sentences, strict=True):
        while p + 1 < len(bounds) and start >= bounds[p + 1][0]:
            p += 1
            if current:
                paragraphs.append(current)
                current = []
        current.append(sent)
    if current:
        paragraphs.append(current)
    return ArticleView(paragraphs=paragraphs, n_claims=len(facts.claims), n_quotes=len(facts.quotes))


def story_fragment(dossier: Dossier, story_id: str) -> str:
    """The report's views of one story (header, provenance map, claim matrix, conflicts, quotes, timeline,
    off-topic, summary, articles) as an HTML fragment, escaped by the report's own autoescaping templates. Each
    claim links to its own page (/claims/<story>/<claim>)."""
    from storytrace.web.triage import claim_href

    return render_story_html(dossier, story_id, claim_page=lambda claim_id: claim_href(story_id, claim_id))


def verdict_fragments(dossiers: Sequence[Dossier], article_id: str) -> list[tuple[Story, str]]:
    """Per story of the article (one dossier each): the report's verdict line on it and the sources it cites, with
    links to other articles pointing at their own pages. The sources cited are the article's, so only the first
    story's fragment repeats them."""
    out: list[tuple[Story, str]] = []
    for dossier in dossiers:
        story = dossier.stories[0]

        def page_of(aid: str) -> str:
            return "" if aid == article_id else f"/articles/{aid}"

        out.append((story, render_verdict_html(dossier, story.id, article_id, page_of, with_sources=not out)))
    return out


# --------------------------------------------------------------------------------------------------------------------
# outlets


def outlet_href(name: str) -> str:
    """The outlet's page. Every character but letters, digits and "-_~" is percent-encoded, "/", "?" and "#"
    included, so any outlet name is one path segment that cannot end the path or start a query."""
    return "/outlets/" + quote(name, safe="").replace(".", "%2E")


@dataclass
class TallyRow:
    tally: SourceTally
    href: str | None  # the outlet's page, when it is an outlet of the store (not a wire outside it)
    credit: str


@dataclass
class OutletRow:
    outlet: OutletSummary
    href: str
    cells: list[int]  # per shown verdict kind
    top: TallyRow | None
    credit: str


@dataclass
class OutletsPage:
    kinds: list[str]  # the verdict kinds any outlet has, in VERDICT_KINDS order
    labels: list[str]
    rows: list[OutletRow]
    unnamed_articles: int


def _kind_label(kind: str) -> str:
    return "no verdict" if kind == "none" else VERDICT_LABELS.get(kind, kind)


def _tally(t: SourceTally, known: set[str]) -> TallyRow:
    href = outlet_href(t.outlet) if outlet_key(t.outlet) in known else None
    return TallyRow(t, href, credit_share(t.credited, t.uncredited, t.unknown))


def outlets_page(report: OutletsReport) -> OutletsPage:
    kinds = [k for k in VERDICT_KINDS if any(o.verdicts.get(k) for o in report.outlets)]
    known = {k for o in report.outlets if (k := outlet_key(o.name))}
    rows = [
        OutletRow(
            outlet=o,
            href=outlet_href(o.name),
            cells=[o.verdicts.get(k, 0) for k in kinds],
            top=_tally(o.takes_from[0], known) if o.takes_from else None,
            credit=credit_share(o.credited, o.uncredited, o.unknown),
        )
        for o in report.outlets
    ]
    return OutletsPage(kinds, [_kind_label(k) for k in kinds], rows, report.unnamed_articles)


@dataclass
class SourceLink:
    outlet: str
    href: str | None  # the source article's page; None for a source outside the store
    kind: str
    credit: str | None  # "credited" | "uncredited" | None (unknown)


@dataclass
class EvidenceRow:
    row: OutletArticle
    story_href: str  # the story page, at this article
    article_href: str
    verdict: str  # "copy", "original reporting", "no verdict"
    summary: str
    sources: list[SourceLink]


@dataclass
class OutletPage:
    outlet: OutletSummary
    verdicts: list[tuple[str, int]]  # (label, count), the non-zero ones
    credit: str
    takes_from: list[TallyRow]
    taken_by: list[TallyRow]
    evidence: list[EvidenceRow]


def outlet_page(detail: OutletDetail, known_outlets: Sequence[str]) -> OutletPage:
    """What /outlets/{name} shows; ``known_outlets`` are the store's outlet names (their pages can be linked)."""
    o = detail.outlet
    known = {k for n in known_outlets if (k := outlet_key(n))}
    evidence = []
    for r in detail.articles:
        v = r.verdict
        sources = [
            SourceLink(
                s.outlet,
                f"/articles/{s.article}" if s.article else None,
                s.kind,
                None if s.credited is None else "credited" if s.credited else "uncredited",
            )
            for s in r.sources
        ]
        evidence.append(
            EvidenceRow(
                row=r,
                story_href=f"/stories/{r.story}#{article_anchor(r.article)}",
                article_href=f"/articles/{r.article}",
                verdict=_kind_label(v.verdict if v else "none"),
                summary=v.summary if v else "",
                sources=sources,
            )
        )
    return OutletPage(
        outlet=o,
        verdicts=[(_kind_label(k), n) for k, n in o.verdicts.items() if n],
        credit=credit_share(o.credited, o.uncredited, o.unknown),
        takes_from=[_tally(t, known) for t in o.takes_from],
        taken_by=[_tally(t, known) for t in detail.taken_by],
        evidence=evidence,
    )
