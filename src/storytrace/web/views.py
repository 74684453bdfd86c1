"""What the story and article pages show, computed from records (no HTML here beyond the report's fragment)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources

import jinja2

from storytrace.records import Article, ArticleFacts, Dossier, SentenceRef, Story


def first_sentence(ref: SentenceRef | None) -> int | None:
    if ref is None:
        return None
    if isinstance(ref, list):
        return ref[0] if ref else None
    return ref


def _all_sentences(ref: SentenceRef | None) -> list[int]:
    if ref is None:
        return []
    return list(ref) if isinstance(ref, list) else [ref]


@dataclass
class Sentence:
    index: int
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
    sentences = [Sentence(i, article.text[s:e]) for i, (s, e) in enumerate(article.sentences)]

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
    """The report's views of one story as an HTML fragment (escaped by its renderer)."""
    try:
        from storytrace.dossier.html import render_story_html  # type: ignore[attr-defined]
    except ImportError:
        return _fallback_fragment(dossier, story_id)
    return str(render_story_html(dossier, story_id))


@functools.lru_cache(maxsize=1)
def _fallback_env() -> jinja2.Environment:
    loader = jinja2.FileSystemLoader(str(resources.files("storytrace.web").joinpath("templates")))
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals["first_sentence"] = first_sentence
    return env


def _fallback_fragment(dossier: Dossier, story_id: str) -> str:
    story = next(s for s in dossier.stories if s.id == story_id)
    names = {a.id: a.outlet or a.title or a.id for a in dossier.articles}
    return _fallback_env().get_template("_story_sections.html").render(story=story, names=names)
