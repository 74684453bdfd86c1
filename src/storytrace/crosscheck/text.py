"""Word-level helpers shared by the cross-check modules: tokens, content words, negation, tense, number ranges."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from storytrace.records import NumberMention

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*(?:[.,][0-9]+)*|[^\sA-Za-z0-9]")
_ALNUM = re.compile(r"[A-Za-z0-9]")

# English function words: a change in one of these alone keeps a quote "close"; content words carry the meaning.
FUNCTION_WORDS = frozenset(
    """a an the this that these those and or but if then so as of in on at to for from by with about into onto over
    under up down out off than too very just also there here it its it's i me my we us our you your he him his she
    her they them their who whom whose which what when where why how is are was were be been being am do does did
    have has had will would shall should can could may might must 's s '""".split()  # noqa: SIM905
)
NEGATIONS = frozenset({"not", "no", "never", "n't", "nobody", "nothing", "none", "neither", "nor", "cannot", "nowhere"})
_NEG_RE = re.compile(
    r"\b(not|never|no longer|has(?:n't| not) yet|n't|denied|denies|refused to|failed to|cannot|no)\b", re.IGNORECASE
)
_FUTURE_RE = re.compile(
    r"\b(will|would|shall|is set to|are set to|plans? to|planned to|is expected to|are expected to|is to|are to|"
    r"is going to|are going to|next (?:week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)


def tokens(text: str) -> list[str]:
    """Words and punctuation marks, in order (curly apostrophes kept inside words)."""
    return _WORD.findall(text)


def words(text: str) -> list[str]:
    """Lower-cased words without punctuation; "don’t" and "don't" are the same word."""
    return [t.lower().replace("’", "'") for t in tokens(text) if _ALNUM.search(t)]


def is_function_word(word: str) -> bool:
    return word.lower().replace("’", "'") in FUNCTION_WORDS


def is_negation(word: str) -> bool:
    w = word.lower().replace("’", "'")
    return w in NEGATIONS or w.endswith("n't")


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in FUNCTION_WORDS and not is_negation(w)]


def stem(word: str) -> str:
    """A crude suffix stripper, enough to match "closed"/"closes"/"closing" and "ships"/"ship"."""
    w = word.lower()
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


# reporting verbs say who said it, not what happened: they must not make two claims look alike or different
REPORTING = frozenset({"said", "say", "says", "added", "told", "according", "reported", "stated", "noted", "explained"})


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text) if w not in REPORTING}


def overlap(a: Iterable[str], b: Iterable[str]) -> float:
    """Share of the smaller set found in the other (containment), 0 when either is empty."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def is_negated_text(text: str) -> bool:
    return bool(_NEG_RE.search(text)) or any(is_negation(w) for w in words(text))


def is_future_text(text: str) -> bool:
    return bool(_FUTURE_RE.search(text))


_COUNTERFACTUAL = re.compile(r"\s+(?:not\s+)?have\b", re.IGNORECASE)


def future_cues(text: str) -> list[int]:
    """Where the text looks ahead ("will", "is expected to", "next week"); "would have been" is counterfactual."""
    return [m.start() for m in _FUTURE_RE.finditer(text) if not _COUNTERFACTUAL.match(text, m.end())]


def number_range(n: NumberMention, slack: float = 0.0) -> tuple[float, float]:
    """The interval a mention allows; ``slack`` widens exact figures written with "about"/"nearly"/"some"."""
    low = n.low if n.low is not None else float("-inf")
    high = n.high if n.high is not None else float("inf")
    if slack and low == high:
        low, high = low * (1 - slack), high * (1 + slack)
    return low, high


_HEDGE = re.compile(r"\b(about|around|roughly|approximately|some|nearly|almost|close to|up to|estimated|over)\b", re.I)


def numbers_compatible(a: NumberMention, b: NumberMention) -> bool:
    """Whether two quantities can both be true. Uses the claims stage's rule when it is installed."""
    try:
        from storytrace.claims.numbers import compatible  # the claims stage owns vague-quantity semantics
    except ImportError:  # pragma: no cover - only before the claims stage is installed
        pass
    else:
        return bool(compatible(a, b))
    slack_a = 0.05 if _HEDGE.search(a.text) else 0.0
    slack_b = 0.05 if _HEDGE.search(b.text) else 0.0
    la, ha = number_range(a, slack_a)
    lb, hb = number_range(b, slack_b)
    return la <= hb and lb <= ha


def counted_thing(n: NumberMention, sentence: str, sentence_start: int = 0) -> str | None:
    """What a number counts: the claims stage's ``counts``, else the content word right after the figure."""
    if n.counts:
        return n.counts.lower()
    rel = n.end - sentence_start
    if 0 <= rel <= len(sentence):
        after = [w for w in words(sentence[rel:])[:3] if w not in FUNCTION_WORDS]
        if after:
            return after[0]
    return None


def same_thing(a: str | None, b: str | None) -> bool:
    """Two "counts" labels name the same thing when they share a content stem ("firefighters" ~ "firefighter")."""
    if not a or not b:
        return False
    sa = {stem(w) for w in content_words(a)} or {stem(a)}
    sb = {stem(w) for w in content_words(b)} or {stem(b)}
    return bool(sa & sb)


def short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def join_names(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
