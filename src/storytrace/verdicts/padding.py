"""How much of an article carries nothing another article could support or contradict, and how much is opinion.

Both are weighted by the article's **characters**, counted over its sentences (``Article.sentences``; whitespace
between sentences counts for nothing), so a long sentence weighs more than a short one. Padding is graded per
sentence (``sentence_padding``) around the yes/no line below; the article's padding is the characters' mean of it.

A sentence is *checkable* when the earlier stages found something in it that another account could confirm or deny:

* a direct quote (``ArticleFacts.quotes``) — another article has the words or not;
* a claim (``ArticleFacts.claims``) with a figure, a date, a named entity or a speaker it is attributed to — except a
  first-person aside, an opinion or a lead-in to a quoted passage (``crosscheck.status.opinion_or_lead_in``) that
  nobody is said to have said and that names nobody ("I spent twenty years on the quays", "I hope the board
  remembers this week");
* a mention of a story claim that another article of the story also states (``StoryClaim.mentions``): an event the
  story has, even told without a name or a figure ("Dockworkers were evacuated within minutes").

Everything else is padding: generic framing ("The coming weeks will be decisive for both sides"), evaluation
("Drills are boring"), and the sentences the cross-check found off topic (``StoryFindings.off_topic``), which are
not about the story whatever they name. Nothing here re-reads the text for names or figures.
"""

from __future__ import annotations

from collections.abc import Iterable

from storytrace.crosscheck.status import opinion_or_lead_in
from storytrace.crosscheck.text import words
from storytrace.options import VerdictOptions
from storytrace.records import Article, ArticleFacts, SentenceRef, StoryFindings

# the writer speaking for themself, outside quotes: a column, a blog, a reviewer — news copy almost never does
FIRST_PERSON = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "mine", "myself"})


def refs(ref: SentenceRef | None) -> list[int]:
    if ref is None:
        return []
    return list(ref) if isinstance(ref, list) else [ref]


def _share(article: Article, sentences: Iterable[int]) -> float:
    total = sum(end - start for start, end in article.sentences)
    if total <= 0:
        return 0.0
    chosen = set(sentences)
    part = sum(end - start for n, (start, end) in enumerate(article.sentences) if n in chosen)
    return min(1.0, max(0.0, part / total))


def checkable_sentences(article: Article, facts: ArticleFacts | None, findings: StoryFindings) -> set[int]:
    out: set[int] = set()
    if facts is not None:
        for q in facts.quotes:
            out.update(refs(q.sentence))
        for c in facts.claims:
            attributed = c.attributed_to is not None or c.kind == "attributed"
            if attributed or ((c.numbers or c.dates or c.entities) and not opinion_or_lead_in(c.text)):
                out.update(refs(c.sentence))
            elif c.entities:
                # the opinion test is blunt ("who should get the extra doses" in a report of an FDA meeting): a
                # sentence that names somebody is still about them
                out.update(refs(c.sentence))
    for sc in findings.claims:
        if len({m.article for m in sc.mentions}) < 2:
            continue
        for m in sc.mentions:
            if m.article == article.id:
                out.update(refs(m.sentence))
    for o in findings.off_topic:
        if o.article == article.id:
            out.difference_update(refs(o.sentence))
    return {n for n in out if 0 <= n < len(article.sentences)}


def sentence_padding(
    article: Article, facts: ArticleFacts | None, findings: StoryFindings, options: VerdictOptions | None = None
) -> list[float]:
    """How much each sentence is padding, in [0, 1], one per ``Article.sentences``: graded by how strong the
    checkable thing in it is, and how much of it is the writer's own opinion.

    A checkable sentence (``checkable_sentences``) scores below ``options.padding_checkable_max`` and any other at
    least ``1 - padding_checkable_max``, so the yes/no reading survives: a quote or a story claim another article
    states scores 0; a claim with only a name, or one that reads as opinion, higher. A sentence with no claim at all
    scores more than one where the claims stage found a claim with no name or figure ("Residents were told there is
    no immediate danger": an event another account could still tell); opinion, a first-person aside or a question
    in the writer's own voice add to either. Off-topic sentences score 1."""
    o = options or VerdictOptions()
    n = len(article.sentences)
    keep = checkable_sentences(article, facts, findings)
    strong: set[int] = set()  # a quote, a speaker, a figure or a date: the surest things another account can check
    named: set[int] = set()  # a claim that names someone, and nothing surer
    claimed: set[int] = set()  # any claim at all
    if facts is not None:
        for q in facts.quotes:
            strong.update(refs(q.sentence))
        for c in facts.claims:
            at = refs(c.sentence)
            claimed.update(at)
            opinion = opinion_or_lead_in(c.text)
            if c.attributed_to is not None or c.kind == "attributed" or ((c.numbers or c.dates) and not opinion):
                strong.update(at)
            elif c.entities:
                named.update(at)
    for sc in findings.claims:
        if len({m.article for m in sc.mentions}) >= 2:
            for m in sc.mentions:
                if m.article == article.id:
                    strong.update(refs(m.sentence))
    off = {i for x in findings.off_topic if x.article == article.id for i in refs(x.sentence)}
    own = set(own_sentences(article, facts))
    top = o.padding_checkable_max
    out: list[float] = []
    for i in range(n):
        if i in off:
            out.append(1.0)
            continue
        text = article.sentence_text(i)
        voice = i in own and (opinion_or_lead_in(text) or bool(FIRST_PERSON & set(words(text))))
        if i in keep:
            base = 0.0 if i in strong else top / 2 if i in named else top * 0.75
            out.append(min(top, base + (top / 4 if voice else 0.0)))
        else:
            base = 1 - top if i in claimed else 1 - top / 2
            out.append(min(1.0, base + (top / 2 if voice else 0.0)))
    return out


def padding(
    article: Article, facts: ArticleFacts | None, findings: StoryFindings, options: VerdictOptions | None = None
) -> float:
    """The article's padding, in [0, 1] (0 for an empty text): ``sentence_padding`` averaged over its sentences,
    weighted by their characters."""
    total = sum(end - start for start, end in article.sentences)
    if total <= 0:
        return 0.0
    scores = sentence_padding(article, facts, findings, options)
    part = sum(s * (end - start) for s, (start, end) in zip(scores, article.sentences, strict=True))
    return min(1.0, max(0.0, part / total))


def own_sentences(article: Article, facts: ArticleFacts | None) -> list[int]:
    """The sentences in the writer's own voice: no quote in them and no statement attributed to somebody."""
    said: set[int] = set()
    if facts is not None:
        for q in facts.quotes:
            said.update(refs(q.sentence))
        for c in facts.claims:
            if c.attributed_to is not None or c.kind == "attributed":
                said.update(refs(c.sentence))
    return [n for n in range(len(article.sentences)) if n not in said]


def opinion_share(article: Article, facts: ArticleFacts | None) -> float:
    """Share of the article's characters in the writer's own sentences that read as opinion, a first-person aside
    or a lead-in (``crosscheck.status.opinion_or_lead_in``, judged outside quotes)."""
    return _share(article, (n for n in own_sentences(article, facts) if opinion_or_lead_in(article.sentence_text(n))))


def first_person_share(article: Article, facts: ArticleFacts | None) -> float:
    """Share of the article's characters in the writer's own sentences where the writer says "I"."""
    return _share(
        article,
        (n for n in own_sentences(article, facts) if FIRST_PERSON & set(words(article.sentence_text(n)))),
    )
