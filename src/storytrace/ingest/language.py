"""Which language an article is written in, with py3langid (langid.py's model: 97 languages, bundled, offline).

The later stages read English only, so what matters is telling English from the rest without setting any English
article aside: a label is given only when the text is long enough and the model is sure of it, else None (unknown,
and read as English). ``ENGLISH`` is the code the later stages take; an article with any other known language is
kept and flagged, grouped only with articles in its own language, and its claims are not read.
"""

from __future__ import annotations

import re
import threading
from typing import Any

ENGLISH = "en"

# Letters a text needs before its language is named: below this (a caption, a one-line teaser, "Too short") the
# model's guess is noise. 40 letters is about eight English words; counted in letters, not words, so that Chinese
# or Japanese text, written without spaces, is judged by its length too.
MIN_LETTERS = 40
# The model's normalised probability a label needs (bench/language.py). On 2,700 English news texts (METER, ECB+),
# whole or cut to their first 60, 120 or 300 characters, no other label reached 0.9, while 35 whole texts scored
# below it (they stay unknown, read as English); 19 of the article-extraction benchmark's 20 pages in other
# languages reach it with the right label (an Indonesian one, at 0.81, stays unknown).
MIN_CONFIDENCE = 0.9
# The model reads this many characters: a page's language shows in its first paragraphs, and the model walks the
# text byte by byte in Python (about 2 ms per article of this length on the 2-core machine).
SAMPLE_CHARS = 5000

_LETTER = re.compile(r"[^\W\d_]")
_lock = threading.Lock()
_identifier: Any = None


def _model() -> Any:
    global _identifier
    with _lock:  # web uploads read in worker threads; the model loads once (about 1 s)
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short or the model is unsure."""
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None
    code, confidence = _model().classify(sample)
    return str(code) if confidence >= MIN_CONFIDENCE else None


def language_code(tag: str | None) -> str | None:
    """A page's declared language ("en-GB", "pt_BR", "EN") as a bare code ("en", "pt"); None when empty."""
    if not tag:
        return None
    code = re.split(r"[-_\s]", tag.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def read_as_english(language: str | None) -> bool:
    """Whether the English-only stages read an article: English, or a language nobody could name."""
    return language is None or language == ENGLISH
