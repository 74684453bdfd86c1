"""Per-article token view used by alignment: words with their sentence, quoted-or-not flag, and per-sentence sets of
content words, numbers and capitalised names. Built once per article and shared by every pair it takes part in.

Which sentences are *attributed statements* (a quote, or reported speech "X said the ...") is the claims stage's fact
(``ArticleFacts``); reuse reads it from there, because a reporter who relays the same statement as another reporter
has copied the speaker, not the other reporter."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from storytrace.records import Article, ArticleFacts

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# Quotes: curly, straight, and the ``...'' convention of wire copy (METER's PA texts).
_QUOTE = re.compile(r"“[^”]{2,}?”|\"[^\"\n]{2,}?\"|``.{2,}?''", re.S)

_STOPWORDS = """a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves said says say told mr mrs ms dr yesterday
    today tomorrow last new one two three year years would could may might must shall its it's he's she's they're
    we're i'm don't didn't won't can't"""
STOPWORDS = frozenset(_STOPWORDS.split())
_FIRST_PERSON = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "we", "we're", "we've", "our", "us"})


@dataclass
class ArticleTokens:
    """Lower-cased word tokens of one article, with the sentence each belongs to."""

    words: list[str]
    sentence_of: list[int]
    quoted: list[bool]
    sentence_start: list[int]  # token index where each sentence starts (len = n_sentences + 1)
    content: list[frozenset[str]] = field(default_factory=list)
    numbers: list[frozenset[str]] = field(default_factory=list)
    names: list[frozenset[str]] = field(default_factory=list)
    content_all: frozenset[str] = frozenset()
    attributed: list[bool] = field(default_factory=list)  # per sentence: a quote or reported speech is its subject

    @property
    def n_sentences(self) -> int:
        return len(self.sentence_start) - 1

    def sentence_len(self, s: int) -> int:
        return self.sentence_start[s + 1] - self.sentence_start[s]

    def sentence_words(self, s: int) -> list[str]:
        return self.words[self.sentence_start[s] : self.sentence_start[s + 1]]


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTE.finditer(text)]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans (the scan below walks them in order)."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def attributed_sentences(facts: ArticleFacts | None) -> set[int]:
    """Sentences that relay what somebody said: they hold a quote, or a claim the claims stage attributes."""
    if facts is None:
        return set()
    out: set[int] = set()
    for q in facts.quotes:
        out.update(q.sentence if isinstance(q.sentence, list) else [q.sentence])
    for c in facts.claims:
        if c.attributed_to or c.modality == "reported" or c.kind == "attributed":
            out.update(c.sentence if isinstance(c.sentence, list) else [c.sentence])
    return out


def tokens_of(article: Article, facts: ArticleFacts | None = None) -> ArticleTokens:
    """Tokenise an article's sentences (``Article.sentences`` spans) into an :class:`ArticleTokens`."""
    text = article.text
    # the claims stage's quotes (it pairs marks typed the wrong way round and multi-paragraph quotes); the marks
    # themselves when an article was not parsed
    if facts is None:
        quotes = _quoted_spans(text)
    else:
        quotes = _merge(sorted({(q.start, q.end) for q in facts.quotes if q.end > q.start}))
    words: list[str] = []
    sentence_of: list[int] = []
    quoted: list[bool] = []
    starts: list[int] = []
    content: list[frozenset[str]] = []
    numbers: list[frozenset[str]] = []
    names: list[frozenset[str]] = []
    qi = 0
    for si, (start, end) in enumerate(article.sentences):
        starts.append(len(words))
        sent_content: set[str] = set()
        sent_numbers: set[str] = set()
        sent_names: set[str] = set()
        first = True
        for m in _WORD.finditer(text, start, end):
            raw = m.group()
            w = raw.lower().replace("’", "'")
            pos = m.start()
            while qi < len(quotes) and quotes[qi][1] <= pos:
                qi += 1
            words.append(w)
            sentence_of.append(si)
            quoted.append(qi < len(quotes) and quotes[qi][0] <= pos < quotes[qi][1])
            if any(c.isdigit() for c in w):
                sent_numbers.add(w)
            if w not in STOPWORDS and (len(w) > 2 or w.isdigit()):
                sent_content.add(w)
            # Capitalised words past the first of a sentence are (mostly) names; all-caps leads are not.
            if not first and raw[:1].isupper() and not raw.isupper() and w not in STOPWORDS:
                sent_names.add(w)
            first = False
        content.append(frozenset(sent_content))
        numbers.append(frozenset(sent_numbers))
        names.append(frozenset(sent_names))
    starts.append(len(words))
    all_content: set[str] = set()
    for c in content:
        all_content |= c
    said = attributed_sentences(facts)
    # first person outside quotation marks is somebody's words printed without marks (court evidence, a statement
    # run as prose), not the reporter's narrative
    attributed = [
        s in said or any(w in _FIRST_PERSON and not q for w, q in zip(words[a:b], quoted[a:b], strict=True))
        for s, (a, b) in enumerate(itertools.pairwise(starts))
    ]
    return ArticleTokens(
        words, sentence_of, quoted, starts, content, numbers, names, frozenset(all_content), attributed
    )


def containment(derived: ArticleTokens, source: ArticleTokens) -> float:
    """Share of the derived article's distinct content words that also occur in the source (a cheap prefilter)."""
    if not derived.content_all:
        return 0.0
    return len(derived.content_all & source.content_all) / len(derived.content_all)
