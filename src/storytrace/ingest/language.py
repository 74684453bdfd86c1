"""A cheap language guess: which language's commonest words make up most of the text.

Good enough to tell English from the other languages news arrives in, and to say "unknown" for very short texts;
it is not a general language identifier (the later stages are English-only, and only need to know that).
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "of",
            "and",
            "to",
            "in",
            "a",
            "is",
            "that",
            "for",
            "on",
            "was",
            "with",
            "he",
            "it",
            "as",
            "at",
            "by",
            "said",
            "from",
            "his",
            "are",
            "be",
            "have",
            "has",
            "were",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "und",
            "in",
            "den",
            "von",
            "zu",
            "das",
            "mit",
            "sich",
            "des",
            "auf",
            "für",
            "ist",
            "im",
            "dem",
            "nicht",
            "ein",
            "eine",
            "als",
            "auch",
            "es",
            "an",
        ]
    ),
    "fr": _words("le la les de des et à en un une du est que pour dans qui sur au par pas plus avec il"),
    "es": _words("el la de que y en los del se las por un para con una su al es lo como más pero sus"),
    "it": _words("il di che e la per un in è del una della le non con si da sono al gli alla"),
    "nl": _words("de het een en van in is dat op te zijn met voor niet aan er om ook als bij door"),
    "pt": _words("de a o que e do da em um para com não uma os no se na por mais as dos"),
    "sv": _words("och i att det som en på är av för med till den har de inte om ett var jag"),
}
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str, min_words: int = 8) -> str | None:
    """ISO 639-1 code of the likeliest language, or None when the text is too short or matches none."""
    words = [w.casefold() for w in _WORD.findall(text[:20000])]
    if len(words) < min_words:
        return None
    scores = {lang: sum(w in stop for w in words) / len(words) for lang, stop in _STOPWORDS.items()}
    best = max(sorted(scores), key=lambda k: scores[k])
    return best if scores[best] >= 0.08 else None
