"""Sentence boundaries as half-open character offsets into the article text.

A rule-based splitter tuned for news copy. A boundary is a ``.``, ``!``, ``?`` or ``…`` (with any closing quote marks
and brackets that follow it, which stay with the sentence) followed by white space and something that can start a
sentence. It is not a boundary after a title before a name ("Dr. Ruiz"), an initial ("George W. Bush"), a month
before a day ("Jan. 5"), "No. 6", or a dotted abbreviation ("U.S.", "a.m.") unless the next word is one that
usually opens a sentence ("The", "He", ...). Newlines always end a sentence: paragraphs never share one.

Every span is non-empty, starts and ends on a non-space character, and spans are ordered and do not overlap. A quote
that runs over several sentences is split at each sentence end (the claims stage gives one sentence per span).
"""

from __future__ import annotations

import re

from storytrace.records import Span


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Titles and abbreviations that are followed by a name or a number, never the end of a sentence in news copy.
_NEVER_FINAL = _words("""mr mrs ms mx dr prof sen sens rep reps gov lt col gen maj capt cmdr cdr adm sgt cpl pte pvt rev hon st mt ft
    insp supt det const brig pres supt messrs mme mlle atty vs v no nos vol vols art fig figs pp p ch sec ave
    blvd rd approx dept est""")
# Month abbreviations: not a boundary before a number ("Jan. 5"); a boundary before a capitalised word is kept.
_MONTHS = _words("jan feb mar apr jun jul aug sep sept oct nov dec")
# Abbreviations that may end a sentence: a boundary only when the next word usually opens one.
_MAYBE_FINAL = _words("inc corp co ltd bros jr sr etc plc llc cie")
# Words that usually open a sentence: after "U.S." or "a.m." such a word means a new sentence.
_OPENERS = _words("""the a an he she it they we i you his her its their our this that these those there here but and or so yet
    in on at by for from with after before when while as if however meanwhile officials police some many most
    no one two three four five six seven eight nine ten mr mrs ms dr""")
_CLOSERS = "\"'”’»)]"
_OPENERS_PUNCT = "\"'“‘«(["
_TERMINAL = re.compile(r"(?:\.{3}|…|[.!?]+)[" + re.escape(_CLOSERS) + r"]*")
# The rules look at the word before a full stop and the word after it only to compare them with short lists of
# abbreviations and openers (the longest is 7 letters); looking further than this would make a text of one long
# "word" (10,000 letters before a full stop) cost a scan per full stop, which is what made splitting quadratic.
_WORD_WINDOW = 64
_NEXT_WORD = re.compile(rf"[{re.escape(_OPENERS_PUNCT)}]{{0,{_WORD_WINDOW}}}([\w'’-]{{1,{_WORD_WINDOW}}})")


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c in "_.'’-"


def _word_before(chunk: str, end: int) -> tuple[int, str] | None:
    """(start, word) of the run of word characters (letters, digits, ``.'’-``) ending at ``end``, looking back at
    most ``_WORD_WINDOW`` characters; None when there is none."""
    start = end
    floor = max(0, end - _WORD_WINDOW)
    while start > floor and _is_word_char(chunk[start - 1]):
        start -= 1
    if start == end:
        return None
    return start, chunk[start:end]


def _next_word(chunk: str, pos: int) -> str:
    m = _NEXT_WORD.match(chunk, pos)  # match at pos, never on a copy of the rest of the paragraph
    return m.group(1) if m else ""


def _starts_sentence(chunk: str, pos: int) -> bool:
    """Can the text at ``pos`` open a sentence? Capital letter or digit, possibly after opening quotes."""
    i = pos
    while i < len(chunk) and chunk[i] in _OPENERS_PUNCT:
        i += 1
    if i >= len(chunk):
        return False
    c = chunk[i]
    return c.isupper() or c.isdigit()


def _is_boundary(chunk: str, m: re.Match[str], para_start: bool) -> bool:
    end = m.end()
    if end >= len(chunk) or not chunk[end].isspace():
        return False  # "3.5", "U.S.-led", "example.com"
    nxt = end
    while nxt < len(chunk) and chunk[nxt].isspace():
        nxt += 1
    if nxt >= len(chunk) or not _starts_sentence(chunk, nxt):
        return False
    punct = m.group()
    if not punct.startswith(".") or punct.startswith("..."):
        return True
    if punct != "." and punct[1:2] in _CLOSERS:
        return True  # a quote that closes after the full stop: the sentence ends there
    before = _word_before(chunk, m.start())
    if not before:
        return True
    before_start, word = before
    low = word.lower().strip("'’")
    nxt_word = _next_word(chunk, nxt)
    if low in _NEVER_FINAL:
        return False
    if low in _MONTHS:
        return not nxt_word[:1].isdigit()
    if re.fullmatch(r"[A-Z]", word):
        return False  # an initial: "George W. Bush", "J. K. Rowling"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word) or low in _MAYBE_FINAL:
        return nxt_word.lower() in _OPENERS  # "U.S. officials" vs "in the U.S. The ..."
    # a numbered list item "1. " is not a sentence of its own
    return not (para_start and re.fullmatch(r"\d{1,2}", word) and before_start == 0)


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def split_sentences(text: str) -> list[Span]:
    """Half-open ``(start, end)`` spans of the sentences of ``text``, in order."""
    spans: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        base = para.start()
        chunk = para.group()
        pos = 0
        for m in _TERMINAL.finditer(chunk):
            if _is_boundary(chunk, m, para_start=pos == 0):
                span = _trimmed(text, base + pos, base + m.end())
                if span:
                    spans.append(span)
                pos = m.end()
        span = _trimmed(text, base + pos, base + len(chunk))
        if span:
            spans.append(span)
    return spans
