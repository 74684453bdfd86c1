"""What the story and article pages show, computed from records (no HTML here beyond the report's fragment)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from storytrace.dossier.html import render_story_html, sentence_anchor
from storytrace.records import Article, ArticleFacts, Dossier, SentenceRef, Story


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
    off-topic, summary, articles) as an HTML fragment, escaped by the report's own autoescaping templates."""
    return render_story_html(dossier, story_id)
