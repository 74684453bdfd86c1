"""Short quoted words credited to a speaker, told from scare quotes and titles.

A *characterisation* is a partial quote of a word or a short phrase that a speaker is credited with: "described the
talks as “productive”", "called the plan 'reckless'", "dubbed the deal “historic”". It is a quote like any other and
is checked for fidelity, but its words alone are too few to say which statement it comes from, so the cross-check
compares it only with the same speaker describing the same thing (``crosscheck.quotes``).

Not quotes at all: scare quotes ("so-called “experts”", "self-styled ‘experts’"), names and titles ("the song “bad
guy”", "a film called “The Road”", "known as the “reconciliation bill”", "Operation “Nightfall”"). Single quotation
marks (‘…’ and '…', as British papers quote) are read only around such short phrases: outside them an apostrophe is
far more often a possessive or an elision than a quotation mark.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storytrace.records import Span

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "CHARACTERISATION_MAX_WORDS",
    "CHARACTERISING_VERBS",
    "TITLE_NOUNS",
    "is_characterisation",
    "names_or_scare_quotes",
    "single_quoted",
]

# The longest quoted phrase read as a characterisation: "productive", "reckless and dangerous", "an insult to
# workers". Five words and more carry a statement of their own ("exactly what we feared will happen"), which the
# ordinary quote comparison handles. Four is the longest in the partial quotes of the bench-trust dev piles that
# name a quality rather than state something ("sensible, reasonable or useful").
CHARACTERISATION_MAX_WORDS = 4
_WORD = re.compile(r"\w+")


def is_characterisation(text: str, partial: bool) -> bool:
    """A partial quote of at most ``CHARACTERISATION_MAX_WORDS`` words."""
    return partial and 0 < len(_WORD.findall(text)) <= CHARACTERISATION_MAX_WORDS


# words right before an opening mark that make the quoted words the writer's label or a name, not anybody's words
_SCARE_OR_NAME_BEFORE = re.compile(
    r"(?i)(?:\bso[- ]called|\bself[- ](?:styled|proclaimed|described)|\bquote[-,]?\s*unquote|\bsupposed|"
    r"\bknown\s+as|\bbilled\s+as|\bnicknamed|\bcode-?named|\bentitled|\btitled)(?:\s+(?:the|a|an))?[\s,:]*$"
)
# nouns a title or a name in quotation marks stands beside: "the song “bad guy”", "Operation “Nightfall”"
TITLE_NOUNS = frozenset(
    ["film", "movie", "book", "novel", "memoir", "song", "single", "album", "track", "series", "sitcom", "programme",
     "podcast", "episode", "documentary", "musical", "opera", "poem", "painting", "exhibition", "magazine",
     "newspaper", "operation", "hashtag", "nickname", "codename", "slogan", "motto",
     # a word mentioned, not used: 'no mention of the words “murder” or “kill”', 'the term “shrinkflation”'
     "word", "term", "phrase", "expression"]
)  # fmt: skip
# verbs whose object a quote right after it characterises: 'called the film “a triumph”' is a critic's words
CHARACTERISING_VERBS = frozenset(
    ["call", "describe", "label", "dub", "brand", "term", "deem", "consider", "declare", "praise", "hail", "slam"]
)
# participles that name what they follow: "a film called “The Road”", "a storm dubbed “the Beast”"
_NAMING_PARTICIPLES = frozenset(["called", "dubbed", "named", "labelled", "labeled", "branded", "termed"])


def names_or_scare_quotes(doc: Doc, text: str, open_mark: int) -> bool:
    """The quoted words opening at ``open_mark`` are a scare quote, a title or a name: after "so-called", "known
    as" or "titled"; right after a title noun ("the song", "Operation"); or after a participle naming the noun
    before it ("a film called")."""
    line_start = text.rfind("\n", 0, open_mark) + 1
    if _SCARE_OR_NAME_BEFORE.search(text[max(line_start, open_mark - 40) : open_mark]):
        return True
    span = doc.char_span(line_start, open_mark, alignment_mode="contract") if open_mark > line_start else None
    words = [t for t in span if not t.is_space and not t.is_punct] if span is not None else []
    if not words:
        return False
    last = words[-1]
    if last.lemma_.lower() in TITLE_NOUNS and last.pos_ in ("NOUN", "PROPN"):
        # the title noun is the object of a verb that characterises it: the quote is what it was called
        return not (last.dep_ == "dobj" and last.head.lemma_.lower() in CHARACTERISING_VERBS)
    return last.lower_ in _NAMING_PARTICIPLES and last.dep_ == "acl"


# one quoted phrase in single marks: the opening mark after a space or a bracket and before a letter, the closing mark
# after a letter or a full stop and before a space or punctuation; no mark, quote or line break inside. An apostrophe
# that opens a word is an elision ("let 'em go", "'tis", "'cause"), and could pair with a plural possessive later on
_ELISIONS = r"(?:em|tis|twas|cause|cos|til|till|bout|round|n|s)\b"
_SINGLE = re.compile(
    rf"(?<![\w’'‘])[‘'](?!{_ELISIONS})([A-Za-z][^‘’'\"“”\n]{{0,80}}?[A-Za-z0-9.!?])[’'](?![\w’'])", re.IGNORECASE
)


def single_quoted(text: str, taken: Sequence[Span]) -> list[Span]:
    """Phrases of at most ``CHARACTERISATION_MAX_WORDS`` words in single quotation marks, outside the spans in
    ``taken`` (the double-quoted ones: a single-quoted phrase inside them is the speaker quoting somebody else), as
    the spans of the quoted words without their marks."""
    out: list[Span] = []
    for m in _SINGLE.finditer(text):
        if any(a <= m.start() < b or a < m.end() <= b for a, b in taken):
            continue
        words = _WORD.findall(m.group(1))
        if not words or len(words) > CHARACTERISATION_MAX_WORDS or len(words[0]) < 2:
            continue  # "rock 'n' roll": a letter between apostrophes is an elision
        out.append((m.start(1), m.end(1)))
    return out
